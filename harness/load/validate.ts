// Validation of a load section: its executor's schema and rules, then what every executor shares
// (payload sizes, topic templates, share names, thresholds). Returns every problem at once: the
// shared checks run on each part that fits its own schema, whatever the rest of the section holds.
import { HarnessError } from '../errors.js';
import { checkCpuList, tasksetPath } from '../placement/index.js';
import { Value } from '@sinclair/typebox/value';
import { getExecutor, executorTypes } from './executors/registry.js';
import { checkSize } from './payload.js';
import { timerStatus } from './precise-timer.js';
import { PublisherGroup, SubscriberGroup, ThresholdEntry } from './section-parts.js';
import { parseThresholds } from './thresholds.js';

/** A load section that does not validate (code HARNESS_SCENARIO_INVALID, every problem listed). */
export class LoadConfigError extends HarnessError {
  constructor(readonly errors: string[]) {
    super('HARNESS_SCENARIO_INVALID', `invalid load section:\n  - ${errors.join('\n  - ')}`);
    this.name = 'LoadConfigError';
  }
}

export function validateLoadSection(section: unknown): string[] {
  if (section === null || typeof section !== 'object' || Array.isArray(section))
    return ['a load section is a map with an `executor` key'];
  const fields = new Map<string, unknown>(Object.entries(section));
  const type = fields.get('executor');
  const executor = typeof type === 'string' ? getExecutor(type) : undefined;
  if (executor === undefined) {
    const known = executorTypes().join(', ');
    return [
      type === undefined
        ? `\`executor\` is required (one of: ${known})`
        : `unknown executor ${typeof type === 'string' ? `'${type}'` : JSON.stringify(type)} (one of: ${known})`,
    ];
  }
  const errors = executor.check(section);
  const publishers = fields.get('publishers');
  if (Value.Check(PublisherGroup, publishers)) {
    if (publishers.count === 0) errors.push('publishers.count must be at least 1');
    const sizeError = checkSize(publishers.size);
    if (sizeError !== undefined) errors.push(`publishers.size: ${sizeError}`);
    if (/[+#]/.test(publishers.topic)) errors.push('publishers.topic: a topic name cannot contain wildcards');
  }
  const subscribers = fields.get('subscribers');
  const groups = Array.isArray(subscribers) ? subscribers : [subscribers];
  for (const [index, group] of groups.entries()) {
    if (Value.Check(SubscriberGroup, group) && group.share !== undefined && /[/+#]/.test(group.share))
      errors.push(`subscribers[${index}].share: a share name cannot contain '/', '+' or '#'`);
  }
  errors.push(...placementProblems(fields.get('cpus'), fields.get('workers')));
  const status = fields.get('timer') === 'timerfd' ? timerStatus() : undefined;
  if (status?.nativeError !== undefined)
    errors.push(`timer: 'timerfd' is not available here (${status.nativeError}); use 'auto'`);
  const thresholds = fields.get('thresholds');
  if (Array.isArray(thresholds)) {
    const entries = thresholds.filter((item: unknown) => Value.Check(ThresholdEntry, item));
    errors.push(...parseThresholds(entries).errors);
  }
  return errors;
}

/**
 * `cpus` pins worker threads: a list of CPUs this process may use, and worker threads to pin (with
 * `workers: 0` the load runs in the harness's main thread, which placement leaves alone).
 */
function placementProblems(cpus: unknown, workers: unknown): string[] {
  if (typeof cpus !== 'string') return [];
  const problems: string[] = [];
  try {
    checkCpuList(cpus);
    tasksetPath();
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (workers === 0)
    problems.push(
      "cpus: with workers: 0 the load runs in the harness's main thread, which is not pinned; use workers: 1 or more",
    );
  return problems;
}
