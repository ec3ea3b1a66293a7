// The error catalogue in code (harness/errors.ts) and in docs/errors.md must list the same codes.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, HarnessError, ScenarioValidationError } from '../../harness/errors.js';

describe('error catalogue', () => {
  it('documents exactly the codes the code defines', async () => {
    const doc = await readFile('docs/errors.md', 'utf8');
    const documented = [...doc.matchAll(/^\| `(HARNESS_[A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('gives errors their stable code and every issue in the message', () => {
    const error = new ScenarioValidationError([
      { file: 'a.yaml', line: 3, column: 5, path: 'steps[0]', message: 'bad' },
      { file: 'b.yaml', line: 1, column: 1, path: '', message: 'worse' },
    ]);
    expect(error).toBeInstanceOf(HarnessError);
    expect(error.code).toBe('HARNESS_SCENARIO_INVALID');
    expect(error.message).toBe(
      'invalid scenario (2 problems):\na.yaml:3:5: steps[0]: bad\nb.yaml:1:1: worse',
    );
  });
});
