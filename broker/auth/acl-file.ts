// Per-topic access control list. Line format (a small subset of Mosquitto's acl_file):
//   # comment
//   topic [read|write|readwrite] <pattern>      rule for the current section
//   user <username>                              following topic lines apply to this username
//   client <client id> user <username>           following topic lines apply to this client id when
//                                                it connected as this (authenticated) username
//   pattern [read|write|readwrite] <pattern>     rule for everyone; %u = username, %c = client id
// Topic lines before any user/client line apply to every client. Anything not granted is refused.
// A client id alone is whatever the client chose to send: a rule bound to it alone would hand its
// rights to anyone, so `client` must name the username the id belongs to.
import { readFile } from 'node:fs/promises';
import { AuthFileError } from './errors.js';
import { patternCoversFilter, patternMatchesTopic, stripSharePrefix } from './topic-patterns.js';

export type Access = 'read' | 'write' | 'readwrite';

export interface AclRule {
  appliesTo:
    | { kind: 'everyone' }
    | { kind: 'user'; name: string }
    | { kind: 'client'; id: string; user: string }
    | { kind: 'pattern' };
  access: Access;
  pattern: string;
}

export interface AclClient {
  clientId: string;
  username?: string;
}

const ACCESS_WORDS = new Set<string>(['read', 'write', 'readwrite']);

function parseRuleArgs(rest: string): { access: Access; pattern: string } | undefined {
  const match = /^(\S+)(?:\s+(.+))?$/.exec(rest.trim());
  if (!match) return undefined;
  const [, first, second] = match;
  if (first !== undefined && ACCESS_WORDS.has(first) && second !== undefined) {
    return { access: first as Access, pattern: second.trim() };
  }
  // No access word: readwrite, as in Mosquitto.
  return { access: 'readwrite', pattern: rest.trim() };
}

function validPattern(pattern: string): boolean {
  return (
    pattern.length > 0 &&
    pattern
      .split('/')
      .every((level, i, all) => (level === '#' ? i === all.length - 1 : level === '+' || !/[+#]/.test(level)))
  );
}

function substitute(pattern: string, client: AclClient): string | undefined {
  const values = { u: client.username, c: client.clientId };
  let unusable = false;
  const out = pattern.replace(/%([uc])/g, (_m, key: 'u' | 'c') => {
    const value = values[key];
    // A value with wildcards or separators would widen the rule: such a rule does not apply.
    if (value === undefined || value === '' || /[+#/]/.test(value)) unusable = true;
    return value ?? '';
  });
  return unusable ? undefined : out;
}

interface CachedPatterns {
  clientId: string;
  username: string | undefined;
  patterns: readonly string[];
}

export class AclFile {
  private readonly readCache = new WeakMap<AclClient, CachedPatterns>();
  private readonly writeCache = new WeakMap<AclClient, CachedPatterns>();

  private constructor(readonly rules: readonly AclRule[]) {}

  static parse(text: string, file = '<acl file>'): AclFile {
    const rules: AclRule[] = [];
    let section: AclRule['appliesTo'] = { kind: 'everyone' };
    text.split(/\r?\n/).forEach((raw, index) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const fail = (message: string): never => {
        throw new AuthFileError('ACL_FILE_INVALID', message, file, index + 1);
      };
      const space = line.search(/\s/);
      const keyword = space < 0 ? line : line.slice(0, space);
      const rest = space < 0 ? '' : line.slice(space + 1).trim();
      switch (keyword) {
        case 'user':
          if (rest === '') fail("'user' needs a username");
          section = { kind: 'user', name: rest };
          return;
        case 'client': {
          const [, id = '', user = ''] =
            /^(\S+)\s+user\s+(\S.*)$/.exec(rest) ??
            fail(
              `'client' needs a client id and the user it belongs to ('client ${rest || '<id>'} user <username>'): a client id alone proves nothing`,
            );
          section = { kind: 'client', id, user: user.trim() };
          return;
        }
        case 'topic':
        case 'pattern': {
          const args = parseRuleArgs(rest) ?? fail(`'${keyword}' needs a topic pattern`);
          if (!validPattern(args.pattern)) fail(`invalid topic pattern '${args.pattern}'`);
          rules.push({ ...args, appliesTo: keyword === 'pattern' ? { kind: 'pattern' } : section });
          return;
        }
        default:
          fail(`unknown keyword '${keyword}' (expected topic, pattern, user or client)`);
      }
    });
    return new AclFile(rules);
  }

  static async load(path: string): Promise<AclFile> {
    return AclFile.parse(await readFile(path, 'utf8'), path);
  }

  /**
   * The patterns that grant `wanted` access to this client, with %u/%c substituted. Remembered per
   * identity object (the broker keeps one per session or connection), since every delivery asks.
   */
  private patternsFor(client: AclClient, wanted: 'read' | 'write'): readonly string[] {
    const cache = wanted === 'read' ? this.readCache : this.writeCache;
    const known = cache.get(client);
    if (known !== undefined && known.clientId === client.clientId && known.username === client.username)
      return known.patterns;
    const patterns: string[] = [];
    for (const rule of this.rules) {
      if (rule.access !== 'readwrite' && rule.access !== wanted) continue;
      const who = rule.appliesTo;
      if (who.kind === 'user' && who.name !== client.username) continue;
      if (who.kind === 'client' && (who.id !== client.clientId || who.user !== client.username)) continue;
      const pattern = who.kind === 'pattern' ? substitute(rule.pattern, client) : rule.pattern;
      if (pattern !== undefined) patterns.push(pattern);
    }
    cache.set(client, { clientId: client.clientId, username: client.username, patterns });
    return patterns;
  }

  canPublish(client: AclClient, topic: string): boolean {
    return this.patternsFor(client, 'write').some((pattern) => patternMatchesTopic(pattern, topic));
  }

  /** Checked for every delivery: the topic must match a readable pattern. */
  canRead(client: AclClient, topic: string): boolean {
    return this.patternsFor(client, 'read').some((pattern) => patternMatchesTopic(pattern, topic));
  }

  /** Decided when subscribing: the filter must lie entirely inside one readable pattern. */
  canSubscribe(client: AclClient, topicFilter: string): boolean {
    const filter = stripSharePrefix(topicFilter);
    return this.patternsFor(client, 'read').some((pattern) => patternCoversFilter(pattern, filter));
  }
}
