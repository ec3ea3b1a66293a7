// Runs one scenario instance (scenario × target × version × profile): fresh clients with per-run ids,
// a unique topic prefix, steps in order under step and scenario timeouts, evidence on failure, and
// retained messages cleared at the end. Never throws: every outcome is a ScenarioResult.
import type { ScenarioResult, StepResult, Verdict } from '../result/index.js';
import type { ResolvedScenario } from '../scenario/index.js';
import type { Capability, Endpoint, StartedTarget } from '../targets/index.js';
import { describeStoppedTarget } from '../targets/index.js';
import { HarnessError } from '../errors.js';
import { clearRetained } from './cleanup.js';
import {
  AbortedError,
  runStep,
  ScenarioClient,
  ScenarioSkip,
  StepFailure,
  type ResolvedStep,
  type RunContext,
} from '../steps/index.js';
import type { MqttVersion } from '../vocabulary.js';
import { buildEvidence } from './evidence.js';
import { TranscriptRecorder } from './transcript.js';

export interface ScenarioInstance {
  scenario: ResolvedScenario;
  version: MqttVersion;
  target: StartedTarget;
  endpoint: Endpoint;
  profile: string;
  /** Unique per run; used in client ids and the topic prefix. */
  seq: number;
  /**
   * Applies the scenario's own network profile just before the instance runs (so its schedule
   * counts from the scenario's start); `endpoint` is replaced by the one it returns, `release`
   * runs when the instance has finished.
   */
  prepare?: (signal: AbortSignal) => Promise<{ endpoint: Endpoint; release(): Promise<void> }>;
}

export interface InstanceOptions {
  runId: string;
  stepTimeout: number;
  scenarioTimeout: number;
  /** The run's signal (Ctrl-C, bail). */
  signal: AbortSignal;
  /** Keep every packet sent and received, by step, in the result (`harness diff`). */
  transcripts?: boolean;
}

export function instanceId(
  instance: Pick<ScenarioInstance, 'scenario' | 'version' | 'target' | 'profile'>,
): string {
  return `${instance.scenario.name} [${instance.target.name}, ${instance.version}, ${instance.profile}]`;
}

class FailedStep extends Error {
  constructor(
    readonly step: ResolvedStep,
    override readonly cause: unknown,
    readonly startMs: number,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

export async function runScenarioInstance(
  instance: ScenarioInstance,
  options: InstanceOptions,
): Promise<ScenarioResult> {
  if (!instance.prepare || options.signal.aborted) return runPrepared(instance, options);
  let prepared: Awaited<ReturnType<NonNullable<ScenarioInstance['prepare']>>>;
  try {
    prepared = await instance.prepare(options.signal);
  } catch (error) {
    return {
      ...resultBase(instance),
      verdict: 'failed',
      reason: error instanceof Error ? error.message : String(error),
      durationMs: 0,
    };
  }
  try {
    return await runPrepared({ ...instance, endpoint: prepared.endpoint }, options);
  } finally {
    await prepared.release();
  }
}

/** The fields of a result that name the instance, whatever its outcome. */
function resultBase(instance: ScenarioInstance): Omit<ScenarioResult, 'verdict' | 'durationMs'> {
  const { scenario, version, target } = instance;
  return {
    id: instanceId(instance),
    name: scenario.name,
    file: scenario.file,
    ...(scenario.description !== undefined && { description: scenario.description }),
    target: target.name,
    profile: instance.profile,
    mqttVersion: version,
    statements: [...scenario.statements[version]],
    tags: [...scenario.tags],
    level: scenario.level,
  };
}

async function runPrepared(instance: ScenarioInstance, options: InstanceOptions): Promise<ScenarioResult> {
  const { scenario, version, target } = instance;
  const started = performance.now();
  const clock = (): number => Math.round((performance.now() - started) * 10) / 10;
  const base = resultBase(instance);
  const finish = (verdict: Verdict, extra: Partial<ScenarioResult> = {}): ScenarioResult => ({
    ...base,
    verdict,
    durationMs: Math.round(performance.now() - started),
    ...extra,
  });

  const skipReason = capabilitySkip(scenario, version, target);
  if (skipReason) return finish('skipped', { reason: skipReason });
  if (options.signal.aborted) return finish('skipped', { reason: 'interrupted before start' });
  if (!target.isAlive()) return finish('failed', { reason: describeStoppedTarget(target) });

  const tag = `${options.runId}${instance.seq.toString(36)}`;
  const prefix = `mh-${tag}/`;
  const idOf = (name: string): string => scenario.clients[name]?.clientId ?? `mh-${tag}-${name}`;
  const abort = scenarioAbort(scenario.timeout ?? options.scenarioTimeout, options.signal);
  const clients = new Map<string, ScenarioClient>();
  const steps: StepResult[] = [];
  const transcript = options.transcripts === true ? new TranscriptRecorder(clock) : undefined;
  const session: Session = { clock, signal: abort.signal, clients, idOf, prefix, steps, transcript };
  const ctx = runContext(instance, options, session);
  const runSteps = stepRunner(session);

  let result: ScenarioResult;
  try {
    await runSteps(ctx, scenario.steps);
    result = finish('passed', { steps });
  } catch (error) {
    result = toResult(error, finish, steps, clients, clock, target, abort.signal, options.signal);
  } finally {
    abort.dispose();
    for (const client of clients.values()) client.destroy();
  }
  if (transcript) {
    const names: Record<string, string> = { prefix };
    for (const name of clients.keys()) names[`clientId.${name}`] = idOf(name);
    result = { ...result, transcript: transcript.toJSON(names) };
  }
  if (ctx.retainedTopics.size > 0 && target.isAlive()) {
    await clearRetained({
      endpoint: instance.endpoint,
      version,
      clientId: `mh-${tag}-cleanup`,
      prefix,
      known: ctx.retainedTopics,
      credentials: ctx.credentials,
      timeoutMs: Math.min(options.stepTimeout, 3000),
    });
  }
  return applyLevelAndDeviations(result, scenario, target, version);
}

/** What one running instance keeps: its clients, the step records and the optional transcript. */
interface Session {
  clock: () => number;
  /** Aborted by the scenario timeout or the run's signal. */
  signal: AbortSignal;
  clients: Map<string, ScenarioClient>;
  idOf: (name: string) => string;
  prefix: string;
  steps: StepResult[];
  transcript: TranscriptRecorder | undefined;
}

/** A signal for one scenario: aborted by its timeout or by the run's signal; `dispose` detaches both. */
function scenarioAbort(timeoutMs: number, runSignal: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error(`scenario timed out after ${timeoutMs} ms`)),
    timeoutMs,
  );
  const onRunAbort = (): void => controller.abort(new Error('interrupted'));
  runSignal.addEventListener('abort', onRunAbort, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      runSignal.removeEventListener('abort', onRunAbort);
    },
  };
}

/** The context the steps run in: clients created on first use, variables, timeouts, the signal. */
function runContext(instance: ScenarioInstance, options: InstanceOptions, session: Session): RunContext {
  const { scenario, version, target } = instance;
  const { clock, clients, idOf, signal, transcript } = session;
  const vars: Record<string, string | number> = { prefix: session.prefix, run: options.runId };
  for (const name of Object.keys(scenario.clients)) vars[`clientId.${name}`] = idOf(name);
  return {
    requires: scenario.requires,
    version,
    target,
    endpoint: instance.endpoint,
    vars,
    stepTimeout: options.stepTimeout,
    signal,
    clock,
    client(name) {
      let client = clients.get(name);
      if (!client) {
        const settings = scenario.clients[name];
        client = new ScenarioClient({
          name,
          clientId: idOf(name),
          version: settings?.version ?? version,
          autoAck: settings?.autoAck ?? false,
          clock,
          ...(transcript && { observer: transcript }),
        });
        clients.set(name, client);
      }
      return client;
    },
    async ensureOpen(client) {
      if (!client.isOpen) await client.open(instance.endpoint, options.stepTimeout, signal);
    },
    async reopen(client) {
      await client.open(instance.endpoint, options.stepTimeout, signal);
    },
    retainedTopics: new Set(),
    steps: session.steps,
    credentials: {
      ...(instance.endpoint.username !== undefined && { username: instance.endpoint.username }),
      ...(instance.endpoint.password !== undefined && { password: instance.endpoint.password }),
    },
  };
}

/**
 * Runs a list of steps in order, recording each (status, timing, transcript section); the first
 * failure is rethrown as a FailedStep naming the step. Nested steps (groups) recurse through it.
 */
function stepRunner(session: Session) {
  const { clock, steps, transcript } = session;
  const runSteps = async (context: RunContext, list: readonly ResolvedStep[]): Promise<void> => {
    for (const step of list) {
      const startMs = clock();
      const record: StepResult = {
        index: step.index,
        kind: step.kind,
        ...('client' in step && { client: step.client }),
        status: 'passed',
        startMs,
        durationMs: 0,
      };
      steps.push(record);
      transcript?.stepStarted(step, startMs);
      try {
        await runStep(context, step, runSteps);
        record.durationMs = Math.round((clock() - startMs) * 10) / 10;
      } catch (error) {
        record.status = 'failed';
        record.durationMs = Math.round((clock() - startMs) * 10) / 10;
        throw error instanceof FailedStep ? error : new FailedStep(step, error, startMs);
      } finally {
        transcript?.stepEnded(step);
      }
    }
  };
  return runSteps;
}

function toResult(
  error: unknown,
  finish: (verdict: Verdict, extra?: Partial<ScenarioResult>) => ScenarioResult,
  steps: StepResult[],
  clients: Map<string, ScenarioClient>,
  clock: () => number,
  target: StartedTarget,
  scenarioSignal: AbortSignal,
  runSignal: AbortSignal,
): ScenarioResult {
  const failed = error instanceof FailedStep ? error : undefined;
  const cause = failed ? failed.cause : error;
  if (cause instanceof ScenarioSkip) return finish('skipped', { reason: cause.message, steps });
  if (cause instanceof AbortedError && runSignal.aborted)
    return finish('skipped', { reason: 'interrupted', steps });
  let failure: StepFailure;
  if (cause instanceof StepFailure) failure = cause;
  else if (cause instanceof AbortedError) {
    const reason = scenarioSignal.reason instanceof Error ? scenarioSignal.reason.message : 'aborted';
    failure = new StepFailure(reason, clientOf(failed?.step));
  } else if (cause instanceof HarnessError) failure = new StepFailure(cause.message, clientOf(failed?.step));
  else {
    const message = cause instanceof Error ? cause.message : String(cause);
    failure = new StepFailure(`harness error: ${message}`, clientOf(failed?.step));
  }
  let reason = failure.message;
  if (!target.isAlive()) {
    const [head, ...log] = describeStoppedTarget(target).split('\n');
    reason = [`${head ?? ''}: ${reason}`, ...log].join('\n');
  }
  if (!failed) return finish('failed', { reason, steps });
  const evidence = buildEvidence(failed.step, failure, clients, failed.startMs, clock());
  return finish('failed', { reason, failure: { ...evidence, message: reason }, steps });
}

function clientOf(step: ResolvedStep | undefined): { client?: string } {
  return step && 'client' in step ? { client: step.client } : {};
}

function capabilitySkip(
  scenario: ResolvedScenario,
  version: MqttVersion,
  target: StartedTarget,
): string | undefined {
  const caps = target.capabilities;
  const versionCap = version === '5.0' ? 'mqtt-5.0' : 'mqtt-3.1.1';
  const declaresVersions = caps.has('mqtt-5.0') || caps.has('mqtt-3.1.1');
  if (declaresVersions && !caps.has(versionCap))
    return `target '${target.name}' does not support MQTT ${version}`;
  const why = (capability: Capability): string => {
    const reason = target.missingCapabilityReasons?.[capability];
    return reason === undefined ? capability : `${capability} (${reason})`;
  };
  if (declaresVersions && !caps.has(versionCap)) {
    return `target '${target.name}' does not support MQTT ${version}${target.missingCapabilityReasons?.[versionCap] ? ` (${target.missingCapabilityReasons[versionCap]})` : ''}`;
  }
  const missing = scenario.requires.filter((capability) => !caps.has(capability));
  return missing.length > 0 ? `target '${target.name}' lacks: ${missing.map(why).join(', ')}` : undefined;
}

function applyLevelAndDeviations(
  result: ScenarioResult,
  scenario: ResolvedScenario,
  target: StartedTarget,
  version: MqttVersion,
): ScenarioResult {
  if (result.verdict !== 'failed') return result;
  const deviation = target.knownDeviations.find(
    (d) => d.scenario === scenario.name && (d.mqttVersion === undefined || d.mqttVersion === version),
  );
  if (deviation) {
    return {
      ...result,
      verdict: 'deviation',
      reason: `known deviation (${deviation.statement}): ${deviation.description}; ${result.reason ?? ''}`,
    };
  }
  if (scenario.level !== 'must') return { ...result, verdict: 'warning' };
  return result;
}
