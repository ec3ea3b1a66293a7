// From a schema-valid scenario document to a ResolvedScenario: the checks a JSON Schema cannot
// express (exactly one of several keys, statement ids per version, variables), defaults, `repeat`
// unrolled and step locations. Returns every problem found, never just the first.
import type { Document, LineCounter } from 'yaml';
import type { Capability } from '../targets/types.js';
import { findStatement } from '../spec/index.js';
import { locate, type PathSegment } from './locate.js';
import { MQTT_VERSIONS, type MqttVersion, type ScenarioInput, type StepInput } from './schema.js';
import type {
  AckExpectation,
  Alternative,
  ClientSettings,
  Data,
  DataObject,
  ResolvedScenario,
  ResolvedStep,
} from './types.js';

export interface ResolveProblem {
  path: PathSegment[];
  message: string;
  /** Line to report when the path cannot be located (checks done after `repeat` is unrolled). */
  line?: number;
}

interface Context {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
  problems: ResolveProblem[];
  nextIndex: number;
  clientNames: Set<string>;
  /** Where each resolved step came from (checks after unrolling report at the step's text). */
  paths: Map<ResolvedStep, PathSegment[]>;
}

const DEFAULT_CLIENT = 'a';
const RUNTIME_VARIABLES = /^(prefix|run|clientId\.[A-Za-z0-9_-]+)$/;

export function resolveScenario(
  input: ScenarioInput,
  file: string,
  doc: Document,
  lineCounter: LineCounter,
): { scenario?: ResolvedScenario; problems: ResolveProblem[] } {
  const ctx: Context = {
    file,
    doc,
    lineCounter,
    problems: [],
    nextIndex: 0,
    clientNames: new Set(),
    paths: new Map(),
  };
  const versions: MqttVersion[] =
    input.mqtt === undefined
      ? [...MQTT_VERSIONS]
      : Array.isArray(input.mqtt)
        ? [...input.mqtt]
        : [input.mqtt];
  const statements = resolveStatements(input, versions, ctx);

  if (input.steps === undefined && input.load === undefined) {
    ctx.problems.push({ path: [], message: "a scenario needs 'steps' or 'load'" });
  }
  if (input.steps !== undefined && input.load !== undefined) {
    ctx.problems.push({ path: ['load'], message: "a scenario has either 'steps' or 'load', not both" });
  }

  const clients: Record<string, ClientSettings> = {};
  for (const [name, options] of Object.entries(input.clients ?? {})) {
    ctx.clientNames.add(name);
    clients[name] = {
      autoAck: options.autoAck ?? false,
      ...(options.clientId !== undefined && { clientId: options.clientId }),
      ...(options.version !== undefined && { version: options.version }),
      ...(options.username !== undefined && { username: options.username }),
      ...(options.password !== undefined && { password: options.password }),
    };
  }

  const steps = resolveSteps(input.steps ?? [], ['steps'], {}, ctx);
  for (const name of ctx.clientNames) clients[name] ??= { autoAck: false };
  checkVariables(steps, ctx);

  if (ctx.problems.length > 0) return { problems: ctx.problems };
  const scenario: ResolvedScenario = {
    name: input.name,
    ...(input.description !== undefined && { description: input.description }),
    file,
    location: `${file}:${locate(doc, lineCounter, ['name']).line}`,
    versions,
    statements,
    level: input.level ?? 'must',
    tags: input.tags ?? [],
    requires: (input.requires ?? []) as Capability[],
    ...(input.timeout !== undefined && { timeout: input.timeout }),
    ...(input.profile !== undefined && { profile: input.profile }),
    clients,
    steps,
    stepCount: ctx.nextIndex,
    ...(input.load !== undefined && { load: input.load as DataObject }),
  };
  return { scenario: deepFreeze(scenario), problems: [] };
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

function resolveSteps(
  inputs: readonly StepInput[],
  path: PathSegment[],
  vars: Record<string, string>,
  ctx: Context,
): ResolvedStep[] {
  const out: ResolvedStep[] = [];
  inputs.forEach((raw, i) => {
    const stepPath = [...path, i];
    const step = substitute(raw as unknown as Data, vars) as unknown as StepInput;
    if (step.repeat !== undefined) {
      const name = step.repeat.var ?? 'i';
      for (let n = 0; n < step.repeat.count; n += 1) {
        out.push(
          ...resolveSteps(
            raw.repeat?.steps ?? [],
            [...stepPath, 'repeat', 'steps'],
            { ...vars, [name]: String(n) },
            ctx,
          ),
        );
      }
      return;
    }
    const resolved = resolveStep(step, stepPath, vars, ctx);
    if (resolved) {
      ctx.paths.set(resolved, stepPath);
      out.push(resolved);
    }
  });
  return out;
}

function resolveStep(
  step: StepInput,
  path: PathSegment[],
  vars: Record<string, string>,
  ctx: Context,
): ResolvedStep | undefined {
  const index = ctx.nextIndex;
  ctx.nextIndex += 1;
  const location = `${ctx.file}:${locate(ctx.doc, ctx.lineCounter, path).line}`;
  const base = { index, location };
  const client = (name: string | undefined): string => {
    const resolved = name ?? DEFAULT_CLIENT;
    ctx.clientNames.add(resolved);
    return resolved;
  };
  const problem = (sub: PathSegment[], message: string): undefined => {
    ctx.problems.push({ path: [...path, ...sub], message });
    return undefined;
  };

  if (step.connect !== undefined || step.reconnect !== undefined) {
    const kind = step.connect !== undefined ? 'connect' : 'reconnect';
    const body = (step.connect ?? step.reconnect)!;
    const { client: name, expect, timeout, encoding, ...fields } = body;
    let alternatives: 'none' | Alternative[];
    if (expect === 'none') alternatives = 'none';
    else if (expect === undefined) alternatives = [{ packet: { type: 'connack', reasonCode: 0 } }];
    else if ('oneOf' in expect) {
      const list = alternativesOf(expect.oneOf as Data[], [kind, 'expect', 'oneOf'], problem);
      if (!list) return undefined;
      alternatives = list;
    } else alternatives = [{ packet: { ...(expect as DataObject), type: 'connack' } }];
    return {
      ...base,
      kind,
      client: client(name),
      fields: fields as DataObject,
      ...(encoding !== undefined && { encoding: encoding as DataObject }),
      expect: alternatives,
      ...(timeout !== undefined && { timeout }),
    };
  }
  if (step.send !== undefined) {
    const { client: name, packet, encoding } = step.send;
    return {
      ...base,
      kind: 'send',
      client: client(name),
      packet: packet as DataObject,
      ...(encoding !== undefined && { encoding: encoding as DataObject }),
    };
  }
  if (step.raw !== undefined)
    return { ...base, kind: 'raw', client: client(step.raw.client), hex: step.raw.hex };
  if (step.expect !== undefined) {
    const { client: name, timeout, skipUnmatched, packet, closed, oneOf, capture } = step.expect;
    const given = [packet, closed, oneOf].filter((v) => v !== undefined).length;
    if (given !== 1) return problem(['expect'], 'expect needs exactly one of packet, closed, oneOf');
    let alternatives: Alternative[] | undefined;
    if (oneOf !== undefined) alternatives = alternativesOf(oneOf as Data[], ['expect', 'oneOf'], problem);
    else if (closed !== undefined) alternatives = [{ closed: true }];
    else alternatives = [{ packet: packet as DataObject }];
    if (!alternatives) return undefined;
    return {
      ...base,
      kind: 'expect',
      client: client(name),
      alternatives,
      ...(timeout !== undefined && { timeout }),
      skipUnmatched: skipUnmatched ?? false,
      ...(capture !== undefined && { capture }),
    };
  }
  if (step.expectAll !== undefined) {
    const items = [];
    for (const [i, item] of step.expectAll.entries()) {
      const alternative = alternativesOf([item as Data], ['expectAll', i], problem)?.[0];
      if (!alternative) continue;
      items.push({
        client: client(item.client),
        alternative,
        ...(item.timeout !== undefined && { timeout: item.timeout }),
        skipUnmatched: item.skipUnmatched ?? false,
        ...(item.capture !== undefined && { capture: item.capture }),
      });
    }
    if (items.length !== step.expectAll.length) return undefined;
    return { ...base, kind: 'expectAll', items };
  }
  if (step.expectCount !== undefined) {
    const { clients, packet, count, duration } = step.expectCount;
    return {
      ...base,
      kind: 'expectCount',
      clients: clients.map((name) => client(name)),
      pattern: packet as DataObject,
      count,
      duration,
    };
  }
  if (step.expectNothing !== undefined) {
    const { client: name, duration, types } = step.expectNothing;
    return {
      ...base,
      kind: 'expectNothing',
      client: client(name),
      duration,
      ...(types !== undefined && { types }),
    };
  }
  if (step.expectClosed !== undefined) {
    const {
      client: name,
      timeout,
      disconnectReasonCodes,
      requireDisconnect,
      skipUnmatched,
    } = step.expectClosed;
    return {
      ...base,
      kind: 'expectClosed',
      client: client(name),
      ...(timeout !== undefined && { timeout }),
      ...(disconnectReasonCodes !== undefined && { disconnectReasonCodes }),
      requireDisconnect: requireDisconnect ?? false,
      skipUnmatched: skipUnmatched ?? false,
    };
  }
  if (step.wait !== undefined) return { ...base, kind: 'wait', ms: step.wait };
  if (step.disconnect !== undefined) {
    const { client: name, reasonCode, properties } = step.disconnect;
    return {
      ...base,
      kind: 'disconnect',
      client: client(name),
      ...(reasonCode !== undefined && { reasonCode }),
      ...(properties !== undefined && { properties: properties as DataObject }),
    };
  }
  if (step.drop !== undefined) return { ...base, kind: 'drop', client: client(step.drop.client) };
  if (step.subscribe !== undefined) {
    const {
      client: name,
      filter,
      filters,
      qos,
      subscriptions,
      packetId,
      properties,
      expect,
      timeout,
    } = step.subscribe;
    const given = [filter, filters, subscriptions].filter((v) => v !== undefined).length;
    if (given !== 1)
      return problem(['subscribe'], 'subscribe needs exactly one of filter, filters, subscriptions');
    if (subscriptions !== undefined && qos !== undefined) {
      return problem(['subscribe', 'qos'], "with 'subscriptions', give qos per subscription");
    }
    const list: DataObject[] =
      subscriptions !== undefined
        ? (subscriptions as DataObject[])
        : (filters ?? [filter!]).map((topicFilter) => ({ topicFilter, qos: qos ?? 0 }));
    return {
      ...base,
      kind: 'subscribe',
      client: client(name),
      subscriptions: list,
      ...(packetId !== undefined && { packetId }),
      ...(properties !== undefined && { properties: properties as DataObject }),
      expect: ackExpectation(expect),
      ...(timeout !== undefined && { timeout }),
    };
  }
  if (step.unsubscribe !== undefined) {
    const { client: name, filter, filters, packetId, properties, expect, timeout } = step.unsubscribe;
    const given = [filter, filters].filter((v) => v !== undefined).length;
    if (given !== 1) return problem(['unsubscribe'], 'unsubscribe needs exactly one of filter, filters');
    return {
      ...base,
      kind: 'unsubscribe',
      client: client(name),
      filters: filters ?? [filter!],
      ...(packetId !== undefined && { packetId }),
      ...(properties !== undefined && { properties: properties as DataObject }),
      expect: ackExpectation(expect),
      ...(timeout !== undefined && { timeout }),
    };
  }
  if (step.publish !== undefined) {
    const { client: name, expect, timeout, encoding, ...fields } = step.publish;
    return {
      ...base,
      kind: 'publish',
      client: client(name),
      packet: { type: 'publish', ...(fields as DataObject) },
      ...(encoding !== undefined && { encoding: encoding as DataObject }),
      expect: ackExpectation(expect),
      ...(timeout !== undefined && { timeout }),
    };
  }
  if (step.ping !== undefined) {
    const { client: name, timeout } = step.ping;
    return { ...base, kind: 'ping', client: client(name), ...(timeout !== undefined && { timeout }) };
  }
  if (step.parallel !== undefined) {
    const branches = step.parallel.map((branch, b) =>
      resolveSteps(branch, [...path, 'parallel', b], vars, ctx),
    );
    return { ...base, kind: 'parallel', branches };
  }
  return problem([], 'empty step');
}

function alternativesOf(
  list: readonly Data[],
  path: PathSegment[],
  problem: (sub: PathSegment[], message: string) => undefined,
): Alternative[] | undefined {
  const out: Alternative[] = [];
  let ok = true;
  list.forEach((item, i) => {
    const entry = item as { packet?: DataObject; closed?: true };
    if ((entry.packet === undefined) === (entry.closed === undefined)) {
      problem(
        [...path, ...(list.length > 1 || path[path.length - 1] === 'oneOf' ? [i] : [])],
        'needs exactly one of packet, closed',
      );
      ok = false;
    } else out.push(entry.packet !== undefined ? { packet: entry.packet } : { closed: true });
  });
  return ok ? out : undefined;
}

function ackExpectation(expect: unknown): AckExpectation {
  if (expect === undefined) return 'success';
  if (expect === 'none') return 'none';
  return expect as DataObject;
}

/** Replace `${name}` for the given variables; other variables stay for run time. */
function substitute(value: Data, vars: Record<string, string>): Data {
  if (Object.keys(vars).length === 0) return value;
  if (typeof value === 'string')
    return value.replace(/\$\{([^}]+)\}/g, (all, name: string) => vars[name] ?? all);
  if (Array.isArray(value)) return value.map((v: Data) => substitute(v, vars));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Data> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, vars);
    return out;
  }
  return value;
}

function checkVariables(steps: readonly ResolvedStep[], ctx: Context): void {
  const seen = new Set<string>(); // a step inside `repeat` is reported once, not once per iteration
  const report = (path: PathSegment[], message: string): void => {
    const key = `${path.join('/')}|${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    ctx.problems.push({ path, message });
  };
  const visit = (value: unknown, step: ResolvedStep): void => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(/\$\{([^}]*)\}/g)) {
        const name = match[1] ?? '';
        const path = ctx.paths.get(step) ?? [];
        if (captured.has(name)) continue;
        if (capturedAnywhere.has(name)) {
          report(path, `\${${name}} is used before the step that captures it`);
        } else if (!RUNTIME_VARIABLES.test(name)) {
          report(path, `unknown variable \${${name}}`);
        } else if (name.startsWith('clientId.') && !ctx.clientNames.has(name.slice('clientId.'.length))) {
          report(path, `\${${name}} names no client of this scenario`);
        }
      }
    } else if (Array.isArray(value)) value.forEach((v) => visit(v, step));
    else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) if (key !== 'location') visit(v, step);
    }
  };
  // Captured variables count from the step after the one that captures them.
  const captured = new Set<string>();
  const captures = (step: ResolvedStep): string[] => {
    if (step.kind === 'expect') return Object.values(step.capture ?? {});
    if (step.kind === 'expectAll') return step.items.flatMap((item) => Object.values(item.capture ?? {}));
    return [];
  };
  const capturedAnywhere = new Set<string>();
  const collect = (list: readonly ResolvedStep[]): void => {
    for (const step of list) {
      if (step.kind === 'parallel') step.branches.forEach(collect);
      else for (const name of captures(step)) capturedAnywhere.add(name);
    }
  };
  collect(steps);
  const walk = (list: readonly ResolvedStep[]): void => {
    for (const step of list) {
      if (step.kind === 'parallel') step.branches.forEach(walk);
      else {
        visit(step, step);
        for (const name of captures(step)) captured.add(name);
      }
    }
  };
  walk(steps);
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
