// Validation of a load section beyond the schema: the executor's own rules, payload sizes, topic
// templates and thresholds. Returns every problem at once.
import { Value } from '@sinclair/typebox/value';
import { getExecutor, executorTypes } from './executors/registry.js';
import { checkSize } from './payload.js';
import { subscriberGroups } from './plan.js';
import { LoadSection } from './schema.js';
import { parseThresholds } from './thresholds.js';

export class LoadConfigError extends Error {
  readonly code = 'LOAD_INVALID_CONFIG';
  constructor(readonly errors: string[]) {
    super(`invalid load section:\n  - ${errors.join('\n  - ')}`);
  }
}

export function validateLoadSection(section: unknown): string[] {
  if (!Value.Check(LoadSection, section)) {
    return [...Value.Errors(LoadSection, section)].map((error) => `${error.path || '/'}: ${error.message}`);
  }
  const errors: string[] = [];
  const executor = getExecutor(section.executor);
  if (executor === undefined)
    errors.push(`unknown executor '${section.executor}' (one of: ${executorTypes().join(', ')})`);
  else errors.push(...executor.validate(section));
  const sizeError = checkSize(section.publishers?.size);
  if (sizeError !== undefined) errors.push(`publishers.size: ${sizeError}`);
  if (section.publishers && /[+#]/.test(section.publishers.topic))
    errors.push('publishers.topic: a topic name cannot contain wildcards');
  for (const [index, group] of subscriberGroups(section).entries()) {
    if (group.share !== undefined && /[/+#]/.test(group.share))
      errors.push(`subscribers[${index}].share: a share name cannot contain '/', '+' or '#'`);
  }
  errors.push(...parseThresholds(section.thresholds ?? []).errors);
  return errors;
}
