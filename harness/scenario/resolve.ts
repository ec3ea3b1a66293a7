// From a schema-valid scenario document to a ResolvedScenario: the checks a JSON Schema cannot
// express (exactly one of several keys, statement ids per version, variables), defaults, `repeat`
// unrolled and step locations. Returns every problem found, never just the first. Each step kind
// resolves its own input (harness/steps/); this file does the scenario around them.
import { findStatement } from '../spec/index.js';
import { checkVariables, resolveStepList } from '../steps/index.js';
import type { PathSegment, YamlSource } from '../validation/index.js';
import { MQTT_VERSIONS, type MqttVersion, type ScenarioInput } from './schema.js';
import type { ClientSettings, ResolvedScenario } from './types.js';

export interface ResolveProblem {
  path: readonly PathSegment[];
  message: string;
}

interface Context {
  problems: ResolveProblem[];
}

export function resolveScenario(
  input: ScenarioInput,
  source: YamlSource,
): { scenario?: ResolvedScenario; problems: ResolveProblem[] } {
  const ctx: Context = { problems: [] };
  const versions: MqttVersion[] =
    input.mqtt === undefined
      ? [...MQTT_VERSIONS]
      : Array.isArray(input.mqtt)
        ? [...input.mqtt]
        : [input.mqtt];
  const statements = resolveStatements(input, versions, ctx);

  checkSettings(input, ctx);
  if (input.steps === undefined && input.load === undefined) {
    ctx.problems.push({ path: [], message: "a scenario needs 'steps' or 'load'" });
  }
  if (input.steps !== undefined && input.load !== undefined) {
    ctx.problems.push({ path: ['load'], message: "a scenario has either 'steps' or 'load', not both" });
  }

  const clientNames = new Set<string>();
  const clients: Record<string, ClientSettings> = {};
  for (const [name, options] of Object.entries(input.clients ?? {})) {
    clientNames.add(name);
    clients[name] = {
      autoAck: options.autoAck ?? false,
      ...(options.clientId !== undefined && { clientId: options.clientId }),
      ...(options.version !== undefined && { version: options.version }),
      ...(options.username !== undefined && { username: options.username }),
      ...(options.password !== undefined && { password: options.password }),
    };
  }

  const problem = (path: readonly PathSegment[], message: string): void => {
    ctx.problems.push({ path, message });
  };
  const resolved = resolveStepList(input.steps ?? [], ['steps'], {
    location: (path) => `${source.file}:${source.at(path).line}`,
    problem,
    client: (name) => clientNames.add(name),
  });
  for (const name of clientNames) clients[name] ??= { autoAck: false };
  checkVariables(resolved.steps, resolved.paths, clientNames, problem);

  if (ctx.problems.length > 0) return { problems: ctx.problems };
  const scenario: ResolvedScenario = {
    name: input.name,
    ...(input.description !== undefined && { description: input.description }),
    file: source.file,
    location: `${source.file}:${source.at(['name']).line}`,
    versions,
    statements,
    level: input.level ?? 'must',
    tags: input.tags ?? [],
    requires: input.requires ?? [],
    ...(input.settings !== undefined && { settings: input.settings }),
    ...(input.timeout !== undefined && { timeout: input.timeout }),
    ...(input.profile !== undefined && { profile: input.profile }),
    clients,
    steps: resolved.steps,
    stepCount: resolved.count,
    ...(input.load !== undefined && { load: input.load }),
  };
  return { scenario: deepFreeze(scenario), problems: [] };
}

/** Settings whose meaning needs a password file: without `users` they would silently do nothing. */
function checkSettings(input: ScenarioInput, ctx: Context): void {
  const settings = input.settings;
  if (settings === undefined || settings.users !== undefined) return;
  for (const key of ['acl', 'authenticationMethods'] as const) {
    if (settings[key] !== undefined) {
      ctx.problems.push({
        path: ['settings', key],
        message: "needs 'settings.users' beside it (without users every client is anonymous)",
      });
    }
  }
}

function resolveStatements(
  input: ScenarioInput,
  versions: MqttVersion[],
  ctx: Context,
): Record<MqttVersion, string[]> {
  const out: Record<MqttVersion, string[]> = { '3.1.1': [], '5.0': [] };
  const given = input.statements;
  if (given === undefined) return out;
  if (Array.isArray(given)) {
    given.forEach((id, i) => {
      const known = versions.filter((v) => findStatement(v, id) !== undefined);
      if (known.length === 0) {
        ctx.problems.push({
          path: ['statements', i],
          message: `unknown statement id '${id}' for MQTT ${versions.join(' / ')}`,
        });
      }
      for (const v of known) out[v].push(id);
    });
    return out;
  }
  for (const version of MQTT_VERSIONS) {
    (given[version] ?? []).forEach((id, i) => {
      if (!versions.includes(version)) {
        ctx.problems.push({
          path: ['statements', version],
          message: `the scenario does not run on MQTT ${version}`,
        });
      } else if (findStatement(version, id) === undefined) {
        ctx.problems.push({
          path: ['statements', version, i],
          message: `unknown statement id '${id}' for MQTT ${version}`,
        });
      } else out[version].push(id);
    });
  }
  return out;
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
