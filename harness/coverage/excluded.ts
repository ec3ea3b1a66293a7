// The excluded-<version>.yaml files: normative statements left out of the broker catalogue, each with
// the reason (a client-only rule, not observable on the wire, ...). Problems are collected, not thrown.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseYamlWithLines } from '../config/validate.js';
import type { CoverageVersion } from './types.js';

export interface ExcludedEntry {
  id: string;
  reason: string;
}

export interface ExcludedFile {
  file: string;
  entries: ExcludedEntry[];
  problems: string[];
}

export function excludedFileName(version: CoverageVersion): string {
  return `excluded-${version}.yaml`;
}

/** Reads `<dir>/excluded-<version>.yaml`; a missing file means nothing is excluded. */
export async function readExcluded(dir: string, version: CoverageVersion): Promise<ExcludedFile> {
  const file = resolve(dir, excludedFileName(version));
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return { file, entries: [], problems: [] };
    return { file, entries: [], problems: [`${file}: cannot read: ${(error as Error).message}`] };
  }
  return { file, ...parseExcluded(text, file) };
}

/** Parses the text of an excluded file: a YAML list of `{ id, reason }` (an empty file is an empty list). */
export function parseExcluded(text: string, file: string): { entries: ExcludedEntry[]; problems: string[] } {
  const parsed = parseYamlWithLines(text);
  if (parsed.errors.length > 0) return { entries: [], problems: parsed.errors.map((e) => `${file}: ${e}`) };
  const value = parsed.value ?? [];
  if (!Array.isArray(value)) return { entries: [], problems: [`${file}: must be a list of { id, reason }`] };
  const entries: ExcludedEntry[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  value.forEach((item: unknown, index) => {
    const where = `${file}:${parsed.locate(`/${index}`) ?? 1}`;
    const entry = item as { id?: unknown; reason?: unknown } | null;
    const keys = entry !== null && typeof entry === 'object' ? Object.keys(entry) : [];
    if (typeof entry?.id !== 'string' || typeof entry.reason !== 'string' || entry.reason.trim() === '') {
      problems.push(`${where}: entry ${index} must be { id: string, reason: non-empty string }`);
      return;
    }
    const extra = keys.filter((key) => key !== 'id' && key !== 'reason');
    if (extra.length > 0) problems.push(`${where}: ${entry.id}: unknown key(s) ${extra.join(', ')}`);
    if (seen.has(entry.id)) problems.push(`${where}: ${entry.id} is excluded twice`);
    seen.add(entry.id);
    entries.push({ id: entry.id, reason: entry.reason.trim() });
  });
  return { entries, problems };
}
