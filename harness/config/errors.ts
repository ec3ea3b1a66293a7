// Config errors: catalogue code HARNESS_OPTIONS_INVALID (harness/errors.ts) with a finer `reason`.
// The CLI maps them to exit code 2.
import { HarnessError } from '../errors.js';

export type ConfigErrorReason =
  | 'not-found' // --config names a file that does not exist
  | 'parse' // YAML/JSON syntax error, or an unsupported file type
  | 'invalid' // the content does not match the schema (every issue is listed)
  | 'ts-unsupported' // a .ts config outside tsx
  | 'load-failed' // a .js/.mjs/.ts config that threw on import
  | 'options'; // options (command line or runHarness) out of range

export class ConfigError extends HarnessError {
  readonly reason: ConfigErrorReason;
  /** One line per problem, `file:line: path: message` where known. */
  readonly issues: string[];
  constructor(
    reason: ConfigErrorReason,
    message: string,
    issues: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(
      'HARNESS_OPTIONS_INVALID',
      issues.length > 0 ? `${message}\n${issues.map((issue) => `  ${issue}`).join('\n')}` : message,
      options,
    );
    this.name = 'ConfigError';
    this.reason = reason;
    this.issues = issues;
  }
}
