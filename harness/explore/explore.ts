// The exploration loop: fast-check generates sessions from a seed, each runs against the target
// and is checked by the model; the first disagreement that is not a known deviation of the target
// is shrunk (fast-check shrinking, re-running every candidate against the target) to a minimal
// session. Known deviations are counted as rediscovered and do not stop the search.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { Endpoint, KnownDeviation } from '../targets/index.js';
import type { MqttVersion } from '../vocabulary.js';
import type { Session } from '../model/index.js';
import type { Disagreement } from '../model/index.js';
import { executeSession, type Outcome } from './execute.js';
import { sessionArbitrary } from './generate.js';
import type { ExploreProfile } from './profiles.js';

export interface ExploreOptions {
  endpoint: Endpoint;
  version: MqttVersion;
  seed: number;
  /** Time for the search, ms (shrinking has its own `shrinkBudgetMs`). */
  budgetMs: number;
  shrinkBudgetMs?: number;
  knownDeviations?: readonly KnownDeviation[];
  graceMs?: number;
  toleranceMs?: number;
  settleMs?: number;
  maxActions?: number;
  /** Stop after this many sessions (default: only the budget bounds the search). */
  maxSessions?: number;
  /** The profile the target runs with (credentials, ACL); default: none. */
  profile?: ExploreProfile;
  signal?: AbortSignal;
  /** Called after each session run (progress). */
  onSession?: (info: { run: number; session: Session; outcome: Outcome; known: boolean }) => void;
}

export interface Finding {
  disagreement: Disagreement;
  /** The shrunk session and the run of it that showed the disagreement. */
  session: Session;
  outcome: Outcome;
  runId: string;
  /** The session as first found (before shrinking). */
  original: Session;
  shrinkRuns: number;
}

export interface ExploreResult {
  seed: number;
  version: MqttVersion;
  sessions: number;
  actions: number;
  elapsedMs: number;
  finding: Finding | undefined;
  /** Disagreements the target's deviation files already list: statement id → count. */
  rediscovered: Record<string, number>;
  /** A disagreement that did not come back when its session was run again (timing), if any. */
  flaky: Disagreement[];
}

/** Whether the target lists one of the rule's statements as a known deviation for this version. */
export function isKnownDeviation(
  disagreement: Disagreement,
  deviations: readonly KnownDeviation[],
  version: MqttVersion,
): string | undefined {
  const known = deviations.find(
    (d) =>
      disagreement.statements.includes(d.statement) &&
      (d.mqttVersion === undefined || d.mqttVersion === version),
  );
  return known?.statement;
}

export async function explore(options: ExploreOptions): Promise<ExploreResult> {
  const started = performance.now();
  const graceMs = options.graceMs ?? 400;
  const run = { count: 0, actions: 0 };
  const rediscovered: Record<string, number> = {};
  const outcomes = new WeakMap<Session, { outcome: Outcome; runId: string }>();
  const stem = createHash('sha1')
    .update(`${options.seed}:${process.pid}:${Date.now()}`)
    .digest('hex')
    .slice(0, 6);

  // fast-check's time limit returns without waiting for the run in progress: wait for it before
  // anything else touches the target (and ignore what it saw).
  let current: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const runOnce = (session: Session): Promise<boolean> => {
    const promise = runSession(session);
    current = promise.catch(() => undefined);
    return promise;
  };
  const runSession = async (session: Session): Promise<boolean> => {
    const runId = `mx${stem}${(run.count++).toString(36)}`;
    const outcome = await executeSession(session, {
      endpoint: options.endpoint,
      runId,
      graceMs,
      toleranceMs: options.toleranceMs ?? 300,
      settleMs: options.settleMs ?? 15,
      ...(options.signal !== undefined && { signal: options.signal }),
      ...(options.profile !== undefined && { profile: options.profile }),
    });
    if (stopped) return true;
    run.actions += outcome.ran.length;
    const found = outcome.disagreement;
    const known =
      found !== undefined
        ? isKnownDeviation(found, options.knownDeviations ?? [], options.version)
        : undefined;
    if (known !== undefined) rediscovered[known] = (rediscovered[known] ?? 0) + 1;
    options.onSession?.({ run: run.count, session, outcome, known: known !== undefined });
    outcomes.set(session, { outcome, runId });
    return found === undefined || known !== undefined;
  };

  const property = fc.asyncProperty(
    sessionArbitrary(options.version, options.maxActions, options.profile),
    runOnce,
  );
  const search = await fc.check(property, {
    seed: options.seed,
    numRuns: options.maxSessions ?? 1_000_000,
    interruptAfterTimeLimit: options.budgetMs,
    endOnFailure: true,
  });
  stopped = true;
  await current;
  stopped = false;
  const result: ExploreResult = {
    seed: options.seed,
    version: options.version,
    sessions: 0,
    actions: 0,
    elapsedMs: 0,
    finding: undefined,
    rediscovered,
    flaky: [],
  };
  const original = search.failed ? search.counterexample?.[0] : undefined;
  if (original !== undefined && search.counterexamplePath !== null) {
    const shrinkRunsBefore = run.count;
    const shrunk = await shrink(property, options, search.counterexamplePath);
    stopped = true;
    await current;
    const chosen = shrunk !== undefined ? outcomes.get(shrunk) : undefined;
    const first = outcomes.get(original);
    const found = pickFinding(original, shrunk, chosen, first, run.count - shrinkRunsBefore);
    result.finding = found.finding;
    result.flaky.push(...found.flaky);
  }
  result.sessions = run.count;
  result.actions = run.actions;
  result.elapsedMs = Math.round(performance.now() - started);
  return result;
}

/**
 * Shrinking: replay the failing run from its path and let fast-check shrink, each candidate run
 * against the target again; the last candidate that failed is the minimal session.
 */
async function shrink(
  property: fc.IAsyncProperty<[Session]>,
  options: ExploreOptions,
  path: string,
): Promise<Session | undefined> {
  const shrunk = await fc.check(property, {
    seed: options.seed,
    path,
    interruptAfterTimeLimit: options.shrinkBudgetMs ?? 60_000,
  });
  return shrunk.failed ? shrunk.counterexample?.[0] : undefined;
}

type Run = { outcome: Outcome; runId: string } | undefined;

/** The finding: the shrunk session, or the original when the disagreement did not come back (flaky). */
function pickFinding(
  original: Session,
  minimal: Session | undefined,
  chosen: Run,
  first: Run,
  shrinkRuns: number,
): { finding: Finding | undefined; flaky: Disagreement[] } {
  if (minimal !== undefined && chosen?.outcome.disagreement !== undefined) {
    const finding: Finding = {
      disagreement: chosen.outcome.disagreement,
      session: minimal,
      outcome: chosen.outcome,
      runId: chosen.runId,
      original,
      shrinkRuns,
    };
    return { finding, flaky: [] };
  }
  if (first?.outcome.disagreement === undefined) return { finding: undefined, flaky: [] };
  const finding: Finding = {
    disagreement: first.outcome.disagreement,
    session: original,
    outcome: first.outcome,
    runId: first.runId,
    original,
    shrinkRuns,
  };
  return { finding, flaky: [first.outcome.disagreement] };
}
