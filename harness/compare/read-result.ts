// Reading a saved RunResult (results.json) for `harness report` and `harness compare`, with a
// shape check strong enough that renderers can trust the model. Errors carry stable codes.
import { readFile } from 'node:fs/promises';
import { HarnessError } from '../errors.js';
import { RESULT_SCHEMA_VERSION, type RunResult } from '../result/index.js';

/** What was wrong with the file; the error code is always HARNESS_RESULT_INVALID. */
export type ResultFileProblem = 'read' | 'json' | 'shape' | 'schema-version';

export class ResultFileError extends HarnessError {
  constructor(
    readonly problem: ResultFileProblem,
    readonly file: string,
    message: string,
  ) {
    super('HARNESS_RESULT_INVALID', `${file}: ${message}`);
    this.name = 'ResultFileError';
  }
}

export async function readRunResult(file: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ResultFileError('read', file, `cannot read: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ResultFileError('json', file, `not JSON: ${(error as Error).message}`);
  }
  return checkRunResult(value, file);
}

export function checkRunResult(value: unknown, file = '<result>'): RunResult {
  if (typeof value !== 'object' || value === null)
    throw new ResultFileError('shape', file, 'not a result object');
  const v = value as Record<string, unknown>;
  if (v['schemaVersion'] === undefined && 'histogram' in v && 'delivery' in v) {
    throw new ResultFileError(
      'shape',
      file,
      'a single LoadResult, not a RunResult (older `harness bench --json` output): run the bench again, it now writes a RunResult',
    );
  }
  if (v['schemaVersion'] !== RESULT_SCHEMA_VERSION) {
    throw new ResultFileError(
      'schema-version',
      file,
      `result schema version ${JSON.stringify(v['schemaVersion'])} is not supported (expected ${RESULT_SCHEMA_VERSION})`,
    );
  }
  const problems: string[] = [];
  for (const key of ['targets', 'profiles', 'scenarios', 'loads'])
    if (!Array.isArray(v[key])) problems.push(`'${key}' is not an array`);
  for (const key of ['startedAt']) if (typeof v[key] !== 'string') problems.push(`'${key}' is not a string`);
  if (typeof v['durationMs'] !== 'number') problems.push("'durationMs' is not a number");
  if (typeof v['summary'] !== 'object' || v['summary'] === null) problems.push("'summary' is missing");
  if (typeof v['tool'] !== 'object' || v['tool'] === null) problems.push("'tool' is missing");
  if (problems.length > 0) throw new ResultFileError('shape', file, problems.join('; '));
  return value as RunResult;
}
