// The deviation entries of each broker, read from harness/targets/deviations/<kind>.yaml with the line
// each entry starts on, so the matrix can link a deviation cell to the entry that explains it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { MqttVersion } from '../../harness/vocabulary.js';

export interface DeviationEntry {
  broker: string;
  scenario: string;
  statement: string;
  mqtt?: MqttVersion;
  behaviour: string;
  reason: string;
  /** Repository-relative path of the deviations file. */
  file: string;
  line: number;
}

export const DEVIATIONS_DIR = 'harness/targets/deviations';

export async function readDeviationEntries(root: string, brokers: string[]): Promise<DeviationEntry[]> {
  const entries: DeviationEntry[] = [];
  for (const broker of brokers) {
    const file = `${DEVIATIONS_DIR}/${broker}.yaml`;
    const text = await readFile(join(root, file), 'utf8').catch(() => undefined);
    if (text !== undefined) entries.push(...parseEntries(text, broker, file));
  }
  return entries;
}

export function parseEntries(text: string, broker: string, file: string): DeviationEntry[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  const list = document.get('deviations', true);
  if (!isSeq(list)) return [];
  const entries: DeviationEntry[] = [];
  for (const item of list.items) {
    if (!isMap(item)) continue;
    const field = (key: string): string | undefined => {
      const value: unknown = item.get(key);
      return typeof value === 'string' ? value : undefined;
    };
    const mqtt = field('mqtt');
    entries.push({
      broker,
      scenario: field('scenario') ?? '',
      statement: field('statement') ?? '',
      ...(mqtt === '3.1.1' || mqtt === '5.0' ? { mqtt } : {}),
      behaviour: field('behaviour') ?? '',
      reason: field('reason') ?? '',
      file,
      line: lineCounter.linePos(item.range?.[0] ?? 0).line,
    });
  }
  return entries;
}
