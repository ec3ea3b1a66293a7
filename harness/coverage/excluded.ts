// The excluded-<version>.yaml files: normative statements left out of the broker catalogue, each with
// the reason (a client-only rule, not observable on the wire, ...). Problems are collected, not thrown.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import { checkDocument, conforms, formatIssue, locateProblem } from '../validation/index.js';
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

const Entry = Type.Object(
  { id: Type.String({ minLength: 1 }), reason: Type.String({ pattern: '\\S' }) },
  { additionalProperties: false },
);
const ExcludedList = Type.Array(Entry);
/** What an entry needs to count (unknown keys are reported, but do not drop it). */
const UsableEntry = Type.Object({ id: Type.String(), reason: Type.String({ pattern: '\\S' }) });

/** Parses the text of an excluded file: a YAML list of `{ id, reason }` (an empty file is an empty list). */
export function parseExcluded(text: string, file: string): { entries: ExcludedEntry[]; problems: string[] } {
  const checked = checkDocument(text, file, ExcludedList, {
    empty: [],
    message: (error, path) =>
      error.keyword === 'pattern' && path[path.length - 1] === 'reason' ? 'must say why' : undefined,
  });
  const problems = checked.issues.map(formatIssue);
  const { source } = checked;
  const items: unknown[] = Array.isArray(source?.value) ? source.value : [];
  const entries: ExcludedEntry[] = [];
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (!conforms(UsableEntry, item)) return;
    if (seen.has(item.id) && source) {
      problems.push(
        formatIssue(locateProblem(source, { path: [index], message: `${item.id} is excluded twice` })),
      );
    }
    seen.add(item.id);
    entries.push({ id: item.id, reason: item.reason.trim() });
  });
  return { entries, problems };
}
