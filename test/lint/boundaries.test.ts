// The layer rules of eslint/boundaries.js fire on the imports they exist to forbid, from nested
// folders too, and stay quiet on the allowed ones.
import { Linter } from 'eslint';
import { join, resolve } from 'node:path';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JS module without types
import boundaries from '../../eslint/boundaries.js';

const ROOT = resolve(import.meta.dirname, '../..');

function lint(file: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser as Linter.Parser },
        plugins: { boundaries: boundaries as never },
        rules: {
          'boundaries/layers': 'error',
          'boundaries/public-module': 'error',
          'boundaries/via-index': 'warn',
        },
      },
    ],
    { filename: join(ROOT, file) },
  );
  return messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('eslint boundaries', () => {
  it('keeps wire/ free of our other folders', () => {
    expect(lint('wire/probe.ts', "import { x } from '../broker/index.js';")).toEqual([
      expect.stringMatching(/^boundaries\/layers: .*wire\/ is the bottom layer/),
    ]);
    expect(lint('wire/probe.ts', "import { x } from './codec.js'; import { y } from 'node:net';")).toEqual(
      [],
    );
  });

  it('lets broker/ import wire/ only', () => {
    expect(lint('broker/handlers/probe.ts', "import { x } from '../../harness/index.js';")).toHaveLength(1);
    expect(lint('broker/handlers/probe.ts', "import { x } from '../../wire/index.js';")).toEqual([]);
  });

  it('catches a reporter in a nested render/ folder reaching the load engine', () => {
    const nested = lint(
      'harness/reporters/render/html/probe.ts',
      "import { x } from '../../../load/index.js';",
    );
    expect(nested).toEqual([expect.stringMatching(/^boundaries\/layers: .*result model only/)]);
    const dynamic = lint(
      'harness/reporters/render/probe.ts',
      "export async function f() { return import('../../runner/pool.js'); }",
    );
    expect(dynamic).toContainEqual(expect.stringMatching(/^boundaries\/layers: .*runner\/pool.ts/));
    expect(
      lint('harness/reporters/render/probe.ts', "import type { RunResult } from '../../result/index.js';"),
    ).toEqual([]);
  });

  it('lets harness/ reach broker/ only through its index', () => {
    expect(lint('harness/targets/probe.ts', "import { x } from '../../broker/session/session.js';")).toEqual([
      expect.stringMatching(/^boundaries\/public-module: broker\/session\/session.ts is internal/),
    ]);
    expect(lint('harness/targets/probe.ts', "import { x } from '../../broker/index.js';")).toEqual([]);
  });

  it('warns when another harness folder is reached past its index', () => {
    expect(lint('harness/cli/probe.ts', "import { x } from '../load/engine.js';")).toEqual([
      expect.stringMatching(/^boundaries\/via-index: harness\/load\/engine.ts skips harness\/load\/index.ts/),
    ]);
    expect(lint('harness/cli/probe.ts', "import { x } from '../load/index.js';")).toEqual([]);
    expect(lint('harness/load/executors/probe.ts', "import { x } from '../engine.js';")).toEqual([]);
  });
});
