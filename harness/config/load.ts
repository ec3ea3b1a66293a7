// Finds and reads the config file: YAML/JSON are parsed and checked against the schema with line
// numbers; .js/.mjs are imported; .ts/.mts are imported too, which works only when running under tsx.
import { access, readFile } from 'node:fs/promises';
import { extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONFIG_FILE_NAMES } from './defaults.js';
import { ConfigError } from './errors.js';
import { UserConfigSchema, type UserConfig } from './schema.js';
import { checkDocument, checkValue, formatIssue } from '../validation/index.js';

export interface LoadedConfig {
  file: string | null;
  config: UserConfig;
}

/** Reads `explicitFile` (must exist) or the first harness.config.* in `cwd`; no file → empty config. */
export async function loadConfigFile(cwd: string, explicitFile?: string): Promise<LoadedConfig> {
  const file = explicitFile === undefined ? await findConfigFile(cwd) : resolveExplicit(cwd, explicitFile);
  if (file === null) return { file: null, config: {} };
  if (explicitFile !== undefined && !(await exists(file))) {
    throw new ConfigError('not-found', `config file not found: ${file}`);
  }
  return { file, config: await readConfig(file) };
}

export async function findConfigFile(cwd: string): Promise<string | null> {
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = resolve(cwd, name);
    if (await exists(candidate)) return candidate;
  }
  return null;
}

function resolveExplicit(cwd: string, file: string): string {
  return isAbsolute(file) ? file : resolve(cwd, file);
}

/** The config in `file`, checked against the schema (every problem, with file:line:column). */
async function readConfig(file: string): Promise<UserConfig> {
  const extension = extname(file);
  if (extension === '.yaml' || extension === '.yml' || extension === '.json') {
    const text = await readFile(file, 'utf8');
    const checked = checkDocument(text, file, UserConfigSchema, { empty: {} });
    if (!checked.source)
      throw new ConfigError('parse', `cannot parse ${file}`, checked.issues.map(formatIssue));
    if (checked.value === undefined) {
      throw new ConfigError('invalid', `invalid config file ${file}`, checked.issues.map(formatIssue));
    }
    return checked.value;
  }
  if (extension === '.js' || extension === '.mjs' || extension === '.ts' || extension === '.mts') {
    const checked = checkValue(UserConfigSchema, await importConfig(file, extension));
    if (checked.value === undefined) {
      const issues = checked.issues.map((issue) => `${file}: ${formatIssue(issue)}`);
      throw new ConfigError('invalid', `invalid config file ${file}`, issues);
    }
    return checked.value;
  }
  throw new ConfigError(
    'parse',
    `unsupported config file type '${extension}' (use .yaml, .yml, .json, .js, .mjs, or .ts under tsx)`,
  );
}

async function importConfig(file: string, extension: string): Promise<unknown> {
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if ((extension === '.ts' || extension === '.mts') && code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw new ConfigError(
        'ts-unsupported',
        `${file}: a TypeScript config needs tsx (a dev dependency): run 'npx tsx node_modules/.bin/harness ...', ` +
          'or write the config as .mjs, .js, .yaml or .json',
        [],
        { cause: error },
      );
    }
    throw new ConfigError('load-failed', `cannot load ${file}: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
  const exported = module.default;
  return typeof exported === 'function' ? await (exported as () => unknown)() : (exported ?? {});
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
