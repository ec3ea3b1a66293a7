// Profile loading: a built-in name, or a profile file (.yaml / .yml). Files go through the harness's
// validation pipeline (every problem with file:line:column, unknown keys are errors) and the result is
// frozen. A file that a scenario or the command line names may be anything readable, so nothing taken
// from a file that is not a profile ever appears in a message.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import {
  checkDocument,
  checkSchema,
  formatIssue,
  formatPath,
  locateProblem,
  type PathSegment,
  type YamlSource,
} from '../validation/index.js';
import { builtinProfiles } from './builtins.js';
import { NetworkError } from './errors.js';
import {
  AttributeSchemas,
  ProfileSchema,
  type ProfileFile,
  type ResolvedProfile,
  type ResolvedToxic,
} from './schema.js';

const PROFILE_FILE = /\.ya?ml$/i;
const PROFILE_NAME = /^[a-z0-9][a-z0-9-]*$/;
/** Keys repeated in messages; anything else is located but not shown. */
const PLAIN_KEY = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** For `--profile`: a built-in name, a path (relative to `cwd`), or scenarios/profiles/NAME.yaml. */
export async function loadProfile(nameOrPath: string, cwd: string): Promise<ResolvedProfile> {
  const builtin = builtinProfiles[nameOrPath];
  if (builtin) return resolveProfile(builtin, 'builtin');
  if (looksLikePath(nameOrPath)) return readProfileFile(resolvePath(nameOrPath, cwd), nameOrPath);
  const found = await firstReadable(
    ['.yaml', '.yml'].map((ext) => resolve(cwd, 'scenarios/profiles', `${nameOrPath}${ext}`)),
  );
  if (found) return parseProfile(found.text, found.file);
  throw new NetworkError(
    'PROFILE_NOT_FOUND',
    `network profile '${nameOrPath}' not found (built-ins: ${builtinProfileNames().join(', ')}; or a file under scenarios/profiles/)`,
  );
}

/** A profile a scenario names: what to apply (a built-in name or the file) and the checked profile. */
export interface ProfileReference {
  /** The built-in name, or the absolute path of the profile file. */
  spec: string;
  profile: ResolvedProfile;
}

/**
 * The `profile:` of a scenario in directory `baseDir`: a built-in name, a profile file relative to
 * the scenario, or NAME for profiles/NAME.yaml in the scenario's directory or the nearest parent that
 * has one. `display` names files in messages.
 */
export async function resolveProfileReference(
  value: string,
  baseDir: string,
  display: (file: string) => string = (file) => file,
): Promise<ProfileReference> {
  const builtin = builtinProfiles[value];
  if (builtin) return { spec: value, profile: resolveProfile(builtin, 'builtin') };
  if (looksLikePath(value)) {
    const file = resolvePath(value, baseDir);
    return { spec: file, profile: await readProfileFile(file, display(file)) };
  }
  if (PROFILE_NAME.test(value)) {
    for (let dir = baseDir; ; dir = dirname(dir)) {
      const found = await firstReadable(
        ['.yaml', '.yml'].map((ext) => join(dir, 'profiles', `${value}${ext}`)),
      );
      if (found) return { spec: found.file, profile: parseProfile(found.text, display(found.file)) };
      if (dirname(dir) === dir) break;
    }
  }
  throw new NetworkError(
    'PROFILE_NOT_FOUND',
    `network profile '${value}' not found (built-ins: ${builtinProfileNames().join(', ')}; ` +
      `or a .yaml file relative to the scenario, or profiles/${value}.yaml beside it or in a parent directory)`,
  );
}

function looksLikePath(value: string): boolean {
  return /[/\\]/.test(value) || PROFILE_FILE.test(value) || value.startsWith('.');
}

function resolvePath(value: string, baseDir: string): string {
  return isAbsolute(value) ? value : resolve(baseDir, value);
}

/** Reads a profile file; only .yaml / .yml files are read at all. `label` names it in messages. */
async function readProfileFile(file: string, label: string): Promise<ResolvedProfile> {
  if (!PROFILE_FILE.test(file)) {
    throw new NetworkError(
      'PROFILE_INVALID',
      `'${label}' is not a network profile file: name a .yaml or .yml profile, or a built-in profile (${builtinProfileNames().join(', ')})`,
    );
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new NetworkError(
      'PROFILE_NOT_FOUND',
      code === 'ENOENT'
        ? `network profile file not found: ${label}`
        : `cannot read network profile file ${label} (${code})`,
    );
  }
  return parseProfile(text, label);
}

async function firstReadable(files: readonly string[]): Promise<{ file: string; text: string } | undefined> {
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) return { file, text };
  }
  return undefined;
}

/** Parses and validates profile YAML text; `file` names it in error messages. */
export function parseProfile(text: string, file: string): ResolvedProfile {
  const checked = checkDocument(text, file, ProfileSchema, {
    quote: false,
    showKey: (key) => PLAIN_KEY.test(key),
    emptyMessage: 'empty file: a network profile is a YAML map with a name',
  });
  const { source } = checked;
  if (source && !looksLikeProfile(source.value)) {
    // Not a profile at all (any readable file may be named): say so, and nothing about its content.
    throw new NetworkError('PROFILE_INVALID', `invalid network profile ${file}`, [
      `${file}:1:1: not a network profile (a YAML map with a 'name' and toxics, kernel or backend)`,
    ]);
  }
  if (!source || checked.value === undefined) {
    throw new NetworkError(
      'PROFILE_INVALID',
      `invalid network profile ${file}`,
      checked.issues.map(formatIssue),
    );
  }
  return resolveProfile(checked.value, file, source);
}

function looksLikeProfile(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    'name' in value &&
    typeof value.name === 'string'
  );
}

function resolveProfile(data: ProfileFile, source: string, yaml?: YamlSource): ResolvedProfile {
  const problems: string[] = [];
  const problem = (path: PathSegment[], message: string): void => {
    problems.push(
      yaml
        ? formatIssue(locateProblem(yaml, { path, message }))
        : `${source}: ${formatPath(path)}: ${message}`,
    );
  };
  const toxics: ResolvedToxic[] = [];
  (data.toxics ?? []).forEach((toxic, index) => {
    const attributes = toxic.attributes ?? {};
    const at: PathSegment[] = ['toxics', index, 'attributes'];
    const attributeProblems = checkSchema(AttributeSchemas[toxic.type], attributes, {
      showKey: (key) => PLAIN_KEY.test(key),
    });
    for (const found of attributeProblems) {
      problems.push(
        yaml
          ? formatIssue(locateProblem(yaml, { ...found, path: [...at, ...found.path] }))
          : `${source}: ${formatPath([...at, ...found.path])}: ${found.message}`,
      );
    }
    if (attributeProblems.length > 0) return;
    const { schedule } = toxic;
    if (schedule?.every !== undefined && schedule.for === undefined) {
      problem(['toxics', index, 'schedule'], 'schedule.every needs schedule.for');
    }
    if (schedule?.every !== undefined && schedule.for !== undefined && schedule.for > schedule.every) {
      problem(['toxics', index, 'schedule'], 'schedule.for must not exceed schedule.every');
    }
    if (toxic.type === 'stall' && schedule === undefined) {
      problem(['toxics', index], 'a stall toxic needs a schedule (else the link never moves)');
    }
    const streams =
      toxic.stream === undefined || toxic.stream === 'both'
        ? (['upstream', 'downstream'] as const)
        : [toxic.stream];
    for (const stream of streams) {
      toxics.push(
        Object.freeze({
          name: toxic.name ?? `${toxic.type}_${stream}_${index}`,
          type: toxic.type,
          stream,
          toxicity: toxic.toxicity ?? 1,
          attributes: Object.freeze(attributeValues(attributes)),
          ...(schedule ? { schedule: Object.freeze({ ...schedule }) } : {}),
        }),
      );
    }
  });
  if (data.backend === 'kernel' && data.kernel === undefined) {
    problem(['backend'], "backend 'kernel' needs a 'kernel' section");
  }
  if (data.backend === 'proxy' && data.kernel !== undefined) {
    problem(['kernel'], "'kernel' effects need backend 'kernel' or 'auto'");
  }
  if (problems.length > 0)
    throw new NetworkError('PROFILE_INVALID', `invalid network profile ${source}`, problems);
  return Object.freeze({
    name: data.name,
    ...(data.description !== undefined ? { description: data.description } : {}),
    source,
    backend: data.backend ?? 'auto',
    toxics: Object.freeze(toxics),
    ...(data.kernel ? { kernel: Object.freeze({ ...data.kernel }) } : {}),
  });
}

/** Attribute values once their schema has checked them: numbers and strings. */
function attributeValues(attributes: Readonly<Record<string, unknown>>): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value === 'number' || typeof value === 'string') out[key] = value;
  }
  return out;
}

export function builtinProfileNames(): string[] {
  return Object.keys(builtinProfiles);
}
