// The example load scenarios under scenarios/load validate against the LoadSection schema and
// their executors' rules; invalid sections report every problem at once.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../harness/errors.js';
import { executorTypes, getExecutor, validateLoadSection } from '../../harness/load/index.js';
import { parseScenario } from '../../harness/scenario/index.js';

const dir = join(import.meta.dirname, '../../scenarios/load');

describe('example load scenarios', () => {
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.yaml'))) {
    it(file, () => {
      const scenario = parse(readFileSync(join(dir, file), 'utf8')) as { load: unknown };
      expect(validateLoadSection(scenario.load)).toEqual([]);
    });
  }
});

describe('load section validation', () => {
  it('returns every error, not the first', () => {
    const errors = validateLoadSection({
      executor: 'constant-arrival-rate',
      publishers: { count: 0, topic: 'a/+', size: 8 },
      subscribers: { count: 1, topic: 'a/#', share: 'g/x' },
      thresholds: ['p99 < 1kg', 'nonsense'],
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringContaining('`rate`'),
        expect.stringContaining('`duration`'),
        expect.stringContaining('publishers.count'),
        expect.stringContaining('at least 20 bytes'),
        expect.stringContaining('wildcards'),
        expect.stringContaining('share name'),
        expect.stringContaining("'p99 < 1kg'"),
        expect.stringContaining("'nonsense'"),
      ]),
    );
    expect(errors).toHaveLength(8);
  });

  it('rejects unknown keys and executors', () => {
    expect(
      validateLoadSection({ executor: 'constant-arrival-rate', rate: 1, duration: 1, colour: 'red' }).join(),
    ).toMatch(/colour|additional/i);
    expect(validateLoadSection({ executor: 'warp-drive' })).toEqual([
      expect.stringContaining("unknown executor 'warp-drive'"),
    ]);
    expect(validateLoadSection({ rate: 5 })).toEqual([expect.stringContaining('`executor` is required')]);
  });

  it('judges a section by its own executor: keys of another executor are unknown keys', () => {
    expect(
      validateLoadSection({
        executor: 'closed-loop',
        duration: '1s',
        rate: 100,
        publishers: { count: 1, topic: 't', qos: 3 },
        subscribers: [{ count: 1 }],
      }),
    ).toEqual([
      'closed-loop: unknown key `rate`',
      'publishers.qos: must be one of 0, 1, 2',
      expect.stringMatching(/^subscribers\.0: `topic` is required/),
    ]);
    expect(validateLoadSection({ executor: 'connection-storm', connections: 5, hold: 'soon' })).toEqual([
      expect.stringMatching(/^hold: /),
    ]);
  });

  it('plans the ramp: intended = area under the rate curve', () => {
    const plan = getExecutor('ramping-arrival-rate')!.plan({
      executor: 'ramping-arrival-rate',
      startRate: 0,
      stages: [
        { duration: '2s', target: 100 },
        { duration: 1000, target: 100 },
      ],
      publishers: { count: 1, topic: 'r' },
    });
    expect(plan.intended).toBe(200); // 0→100 over 2 s = 100, then 100 for 1 s
    expect(plan.durationMs).toBe(3000);
  });
});

describe('load sections in scenario files', () => {
  const problems = (load: string): string[] =>
    parseScenario(`name: l\ntags: [load]\nload:\n${load}`, 'l.yaml').issues.map(formatIssue);

  it('reports the errors of the executor the section names, at the key', () => {
    expect(
      problems(
        '  executor: constant-arrival-rate\n  rate: 100\n  rat: 5\n  duration: 1s\n  publishers: { count: 1, topic: t }\n',
      ),
    ).toEqual([
      expect.stringMatching(
        /^l\.yaml:6:3: load\.rat: unknown key 'rat' \(allowed: executor, rate, duration,/,
      ),
    ]);
    expect(
      problems(
        '  executor: closed-loop\n  duration: 1s\n  window: 0\n  publishers: { count: 1, topic: t }\n',
      ),
    ).toEqual(['l.yaml:6:11: load.window: must be >= 1']);
    expect(problems('  executor: warp\n')).toEqual([
      `l.yaml:4:13: load.executor: must be one of ${executorTypes()
        .map((type) => JSON.stringify(type))
        .join(', ')}`,
    ]);
  });
});
