// Target profiles: the configuration explore starts a target with, and what the model must know
// about it. Most rules hold for a broker's default settings; a few need the broker set up in a way
// the model cannot see on the wire (an ACL: which topics are denied), or announces in CONNACK only
// (Maximum QoS below 2, which the model reads from the CONNACK). The target kind must accept the
// settings (harness/targets/settings.ts); a found scenario carries them, so its replay starts the
// same configuration.
import type { MqttVersion } from '../vocabulary.js';
import type { TargetSettings } from '../targets/index.js';
import type { AclModel } from '../model/index.js';

export const PROFILE_NAMES = ['default', 'acl', 'maximum-qos-1'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface ExploreProfile {
  name: ProfileName;
  settings?: TargetSettings;
  /** User name and password every client connects with (the ACL needs users). */
  credentials?: { username: string; password: string };
  /** What the ACL denies (model form topics), for the model and the generator. */
  acl?: AclModel;
  /** The versions the profile means something for. */
  versions: readonly MqttVersion[];
}

const USER = 'mh-explore';
const PASSWORD = 'mh-explore-secret';

export const PROFILES: Readonly<Record<ProfileName, ExploreProfile>> = {
  default: { name: 'default', versions: ['3.1.1', '5.0'] },
  // Every client may read everything (no '$' topics: no pattern starting with a wildcard reaches
  // them) and write ~/t/... and ~/w; publishing to ~/x or $~/d and subscribing to $~/d is denied.
  acl: {
    name: 'acl',
    settings: {
      users: { [USER]: PASSWORD },
      acl: [
        { topic: '#', access: 'read' },
        { topic: '+/t/#', access: 'write' },
        { topic: '+/w', access: 'write' },
      ],
    },
    credentials: { username: USER, password: PASSWORD },
    acl: { deniedTopics: ['~/x', '$~/d'], deniedFilters: ['$~/d'] },
    versions: ['3.1.1', '5.0'],
  },
  // Maximum QoS 1 is announced in the 5.0 CONNACK only; a 3.1.1 client cannot know it.
  'maximum-qos-1': { name: 'maximum-qos-1', settings: { maximumQoS: 1 }, versions: ['5.0'] },
};

export function profileOf(name: string): ExploreProfile | undefined {
  return (PROFILE_NAMES as readonly string[]).includes(name) ? PROFILES[name as ProfileName] : undefined;
}
