// Profile loading: built-in name, a YAML file, or scenarios/profiles/<name>.yaml. Strict validation:
// every problem is reported with file:line, unknown keys are errors; the result is frozen.
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { builtinProfiles } from './builtins.js';
import { NetworkError } from './errors.js';
import {
  AttributeSchemas,
  ProfileSchema,
  type ProfileFile,
  type ResolvedProfile,
  type ResolvedToxic,
} from './schema.js';

const ajv = new Ajv({ allErrors: true, strict: false });
const validateProfile = ajv.compile<ProfileFile>(ProfileSchema);
const validateAttributes = Object.fromEntries(
  Object.entries(AttributeSchemas).map(([type, schema]) => [type, ajv.compile(schema)]),
);

export async function loadProfile(nameOrPath: string, cwd: string): Promise<ResolvedProfile> {
  const builtin = builtinProfiles[nameOrPath];
  if (builtin) return resolveProfile(builtin, 'builtin', () => undefined);
  const candidates = /[/\\]|\.ya?ml$/.test(nameOrPath)
    ? [isAbsolute(nameOrPath) ? nameOrPath : resolve(cwd, nameOrPath)]
    : [
        resolve(cwd, 'scenarios/profiles', `${nameOrPath}.yaml`),
        resolve(cwd, 'scenarios/profiles', `${nameOrPath}.yml`),
      ];
  for (const file of candidates) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    return parseProfile(text, file);
  }
  throw new NetworkError(
    'PROFILE_NOT_FOUND',
    `network profile '${nameOrPath}' not found (built-ins: ${Object.keys(builtinProfiles).join(', ')}; or a file under scenarios/profiles/)`,
  );
}

/** Parses and validates profile YAML text; `file` names it in error messages. */
export function parseProfile(text: string, file: string): ResolvedProfile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number | undefined): string => {
    if (offset === undefined) return file;
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    throw new NetworkError(
      'PROFILE_INVALID',
      `invalid YAML in ${file}`,
      doc.errors.map((e) => `${at(e.pos[0])}: ${e.message.split('\n')[0]}`),
    );
  }
  const locate = (path: (string | number)[]): string => {
    let node: unknown = doc.contents;
    let offset = (doc.contents as Node | null)?.range?.[0];
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
        offset = (pair?.key as Node | undefined)?.range?.[0] ?? offset;
        node = pair?.value;
      } else if (isSeq(node)) {
        node = node.items[key as number];
        offset = (node as Node | undefined)?.range?.[0] ?? offset;
      } else break;
    }
    return at(offset);
  };
  return resolveProfile(doc.toJS() as unknown, file, locate);
}

function describe(
  error: ErrorObject,
  prefix: (string | number)[],
  locate: (p: (string | number)[]) => string,
): string {
  const path = [
    ...prefix,
    ...error.instancePath
      .split('/')
      .slice(1)
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
  ];
  const where = locate(path);
  const name = path.length > 0 ? path.join('.') : '(top level)';
  if (error.keyword === 'additionalProperties') {
    const key = (error.params as { additionalProperty: string }).additionalProperty;
    return `${locate([...path, key])}: unknown key '${key}' in ${name}`;
  }
  if (error.keyword === 'enum' || error.keyword === 'const' || error.keyword === 'anyOf') {
    return `${where}: ${name} has an invalid value`;
  }
  return `${where}: ${name} ${error.message ?? 'is invalid'}`;
}

function resolveProfile(
  data: unknown,
  source: string,
  locate: (path: (string | number)[]) => string | undefined,
): ResolvedProfile {
  const loc = (p: (string | number)[]): string => locate(p) ?? source;
  if (!validateProfile(data)) {
    const seen = new Set<string>();
    const errors = (validateProfile.errors ?? [])
      .filter(
        (e) =>
          e.keyword !== 'const' ||
          !(validateProfile.errors ?? []).some(
            (o) => o.keyword === 'anyOf' && o.instancePath === e.instancePath,
          ),
      )
      .map((e) => describe(e, [], loc))
      .filter((m) => !seen.has(m) && Boolean(seen.add(m)));
    throw new NetworkError('PROFILE_INVALID', `invalid network profile ${source}`, errors);
  }
  const problems: string[] = [];
  const toxics: ResolvedToxic[] = [];
  (data.toxics ?? []).forEach((toxic, index) => {
    const attributes = toxic.attributes ?? {};
    const check = validateAttributes[toxic.type]!;
    if (!check(attributes)) {
      for (const e of check.errors ?? []) problems.push(describe(e, ['toxics', index, 'attributes'], loc));
      return;
    }
    const { schedule } = toxic;
    if (schedule?.every !== undefined && schedule.for === undefined) {
      problems.push(`${loc(['toxics', index, 'schedule'])}: schedule.every needs schedule.for`);
    }
    if (schedule?.every !== undefined && schedule.for !== undefined && schedule.for > schedule.every) {
      problems.push(`${loc(['toxics', index, 'schedule'])}: schedule.for must not exceed schedule.every`);
    }
    if (toxic.type === 'stall' && schedule === undefined) {
      problems.push(`${loc(['toxics', index])}: a stall toxic needs a schedule (else the link never moves)`);
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
          attributes: Object.freeze({ ...(attributes as Record<string, number | string>) }),
          ...(schedule ? { schedule: Object.freeze({ ...schedule }) } : {}),
        }),
      );
    }
  });
  if (data.backend === 'kernel' && data.kernel === undefined) {
    problems.push(`${loc(['backend'])}: backend 'kernel' needs a 'kernel' section`);
  }
  if (data.backend === 'proxy' && data.kernel !== undefined) {
    problems.push(`${loc(['kernel'])}: 'kernel' effects need backend 'kernel' or 'auto'`);
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

export function builtinProfileNames(): string[] {
  return Object.keys(builtinProfiles);
}
