// What a fuzz failure leaves behind: a directory with failure.json (what failed, the seed, the
// phase's counters, the broker's figures), the phase as a YAML scenario for `harness fuzz` to run
// again, and for the packet phase the last cases as raw bytes (cases/<id>.bin) plus cases.json,
// which `harness fuzz --replay DIR` sends again.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FuzzCase } from './generate.js';
import type { PhaseName } from './phase.js';

export interface FailureRecord {
  phase: PhaseName;
  kind: 'crash' | 'probe' | 'memory' | 'open-files';
  message: string;
  seed: number;
  seconds: number;
  target: string;
  stats: Record<string, number>;
}

export interface SavedCase {
  id: number;
  version: number;
  parts: string[];
  /** The chunks as written, hex. */
  chunks: string[];
}

export async function saveReproducer(
  dir: string,
  failure: FailureRecord,
  cases: readonly FuzzCase[],
): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'failure.json'), `${JSON.stringify(failure, null, 2)}\n`);
  const scenario = [
    '# harness fuzz: the phase that failed, with its seed (same seed, same inputs)',
    `# run again: harness fuzz --target ${failure.target} --phase ${failure.phase} --seed ${failure.seed} --seconds ${failure.seconds}`,
    `target: ${failure.target}`,
    `phase: ${failure.phase}`,
    `seed: ${failure.seed}`,
    `seconds: ${failure.seconds}`,
    `failure: ${JSON.stringify(failure.message.split('\n')[0] ?? '')}`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'scenario.yaml'), scenario);
  if (cases.length > 0) {
    await mkdir(join(dir, 'cases'), { recursive: true });
    const saved: SavedCase[] = [];
    for (const fuzzCase of cases) {
      await writeFile(join(dir, 'cases', `${fuzzCase.id}.bin`), Buffer.concat(fuzzCase.chunks));
      saved.push({
        id: fuzzCase.id,
        version: fuzzCase.version,
        parts: fuzzCase.parts,
        chunks: fuzzCase.chunks.map((chunk) => chunk.toString('hex')),
      });
    }
    await writeFile(join(dir, 'cases.json'), `${JSON.stringify(saved, null, 2)}\n`);
  }
  return dir;
}

export async function loadCases(dir: string): Promise<SavedCase[]> {
  return JSON.parse(await readFile(join(dir, 'cases.json'), 'utf8')) as SavedCase[];
}
