// Fair scheduling of password hashes. A login costs one scrypt (tens of ms of a thread); a flood of
// wrong passwords must neither queue up every hash on the thread pool (good logins would wait
// behind all of them) nor cost more than a bounded share of the machine. Sources (remote
// addresses) with a failed login in the last `penaltyMs` are "suspect": their hashes run one at a
// time and at a bounded rate, taking turns source by source, each source with a short queue of its
// own, and a hash slot is always left for the others. What does not fit is refused at once, whatever the user name: the
// refusal tells nothing about which users exist.

export const THROTTLED = Symbol('throttled');

export interface LoginGateOptions {
  /** Hashes running at once (each on a thread of Node's pool, which has 4 by default). */
  concurrency?: number;
  /** Of those, at most this many for suspect sources. */
  suspectConcurrency?: number;
  /** Suspect hashes started per second at most, all sources together (what a flood may cost). */
  suspectPerSecond?: number;
  /** Suspect logins waiting beyond this many (all sources) are refused without a hash. */
  maxSuspectWaiting?: number;
  /** Logins of one suspect source waiting beyond this many are refused without a hash. */
  maxWaitingPerSource?: number;
  /** Other logins waiting beyond this many are refused without a hash. */
  maxWaiting?: number;
  /** How long a failed login marks its source as suspect. */
  penaltyMs?: number;
  /** Sources remembered (oldest forgotten first). */
  maxSources?: number;
}

interface Job {
  suspect: boolean;
  start(): void;
}

export class LoginGate {
  private readonly concurrency: number;
  private readonly suspectConcurrency: number;
  private readonly suspectIntervalMs: number;
  /** Epoch ms before which no suspect hash starts; a timer pumps again then. */
  private suspectNotBefore = 0;
  private suspectTimer: NodeJS.Timeout | undefined;
  private readonly maxSuspectWaiting: number;
  private readonly maxWaitingPerSource: number;
  private readonly maxWaiting: number;
  private readonly penaltyMs: number;
  private readonly maxSources: number;
  private running = 0;
  private runningSuspect = 0;
  private readonly waiting: Job[] = [];
  /** Suspect logins by source, in turn order (a source goes to the back after each of its turns). */
  private readonly waitingSuspect = new Map<string, Job[]>();
  private suspectCount = 0;
  /** Source → epoch ms of its last failed login, oldest first. */
  private readonly failures = new Map<string, number>();
  /** Logins refused without a hash because their queue was full. */
  throttled = 0;

  constructor(options: LoginGateOptions = {}) {
    this.concurrency = options.concurrency ?? 2;
    this.suspectConcurrency = Math.min(options.suspectConcurrency ?? 1, Math.max(1, this.concurrency - 1));
    this.suspectIntervalMs = 1000 / (options.suspectPerSecond ?? 10);
    this.maxSuspectWaiting = options.maxSuspectWaiting ?? 256;
    this.maxWaitingPerSource = options.maxWaitingPerSource ?? 8;
    this.maxWaiting = options.maxWaiting ?? 1024;
    this.penaltyMs = options.penaltyMs ?? 60_000;
    this.maxSources = options.maxSources ?? 10_000;
  }

  /** Runs `hash` when its turn comes; THROTTLED when its queue was full (no hash ran). */
  run<T>(source: string | undefined, hash: () => Promise<T>): Promise<T | typeof THROTTLED> {
    const key = source ?? '';
    const suspect = this.isSuspect(key, Date.now());
    const queue = suspect ? (this.waitingSuspect.get(key) ?? []) : this.waiting;
    const full = suspect
      ? queue.length >= this.maxWaitingPerSource || this.suspectCount >= this.maxSuspectWaiting
      : queue.length >= this.maxWaiting;
    if (full) {
      this.throttled++;
      return Promise.resolve(THROTTLED);
    }
    return new Promise<T | typeof THROTTLED>((resolve, reject) => {
      queue.push({
        suspect,
        start: () => {
          hash()
            .then(resolve, reject)
            .finally(() => this.done(suspect));
        },
      });
      if (suspect) {
        this.suspectCount++;
        if (queue.length === 1) this.waitingSuspect.set(key, queue);
      }
      this.pump();
    });
  }

  /** A login from `source` failed: its next ones wait in the suspect queue for a while. */
  recordFailure(source: string | undefined): void {
    const key = source ?? '';
    this.failures.delete(key); // re-inserted last: the map stays ordered by time
    this.failures.set(key, Date.now());
    if (this.failures.size > this.maxSources) {
      const oldest = this.failures.keys().next();
      if (oldest.done !== true) this.failures.delete(oldest.value);
    }
  }

  private isSuspect(source: string, now: number): boolean {
    const at = this.failures.get(source);
    if (at === undefined) return false;
    if (now - at < this.penaltyMs) return true;
    this.failures.delete(source);
    return false;
  }

  private done(suspect: boolean): void {
    this.running--;
    if (suspect) this.runningSuspect--;
    this.pump();
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      let job = this.waiting.shift();
      if (job === undefined && this.runningSuspect < this.suspectConcurrency && this.suspectDue())
        job = this.nextSuspect();
      if (job === undefined) return;
      this.running++;
      if (job.suspect) this.runningSuspect++;
      job.start();
    }
  }

  /** A suspect hash may start now; otherwise the gate pumps again when one may. */
  private suspectDue(): boolean {
    if (this.suspectCount === 0) return false;
    const now = Date.now();
    if (now >= this.suspectNotBefore) return true;
    this.suspectTimer ??= setTimeout(() => {
      this.suspectTimer = undefined;
      this.pump();
    }, this.suspectNotBefore - now);
    this.suspectTimer.unref();
    return false;
  }

  /** The next suspect login, sources taking turns. */
  private nextSuspect(): Job | undefined {
    const first = this.waitingSuspect.entries().next();
    if (first.done === true) return undefined;
    const [key, queue] = first.value;
    const job = queue.shift();
    this.waitingSuspect.delete(key);
    if (queue.length > 0) this.waitingSuspect.set(key, queue); // to the back of the line
    if (job !== undefined) {
      this.suspectCount--;
      this.suspectNotBefore = Date.now() + this.suspectIntervalMs;
    }
    return job;
  }
}
