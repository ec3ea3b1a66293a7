// The `load:` section of a scenario file (see docs/load.md): the union of every registered executor's
// schema, keyed on `executor`. One TypeBox schema is the source of truth for validation and for the
// LoadSection type; the scenario loader embeds it under `load`.
import { Type, type Static } from '@sinclair/typebox';
import { EXECUTORS } from './executors/registry.js';
import type { PublisherGroup, SubscriberGroup } from './section-parts.js';

export const LoadSection = Type.Union(
  EXECUTORS.map((executor) => executor.schema),
  { $id: 'LoadSection' },
);

export type LoadSection = Static<typeof LoadSection>;
export type ExecutorSection<Name extends LoadSection['executor']> = Extract<LoadSection, { executor: Name }>;

/** The publishers of a section (executors that publish messages have them). */
export function publisherGroup(section: LoadSection): PublisherGroup | undefined {
  return 'publishers' in section ? section.publishers : undefined;
}

export function subscriberGroups(section: LoadSection): SubscriberGroup[] {
  const groups = 'subscribers' in section ? section.subscribers : undefined;
  return groups === undefined ? [] : Array.isArray(groups) ? groups : [groups];
}

export { PayloadSize, PublisherGroup, Stage, SubscriberGroup } from './section-parts.js';
