// The engine's view of its workers during a run: what each has reported, and waits on all of them.
import type { IntervalMessage, WorkerMessage, WorkerReport } from './protocol.js';

export class WorkerState {
  ready = false;
  published: [number, number][] | undefined;
  report: WorkerReport | undefined;
  fatal: string | undefined;
  readyErrors: string[] = [];
}

export class RunState {
  readonly workers: WorkerState[];
  readonly intervals: IntervalMessage[] = [];
  private readonly intervalParts = new Map<number, IntervalMessage[]>();
  private listeners: (() => void)[] = [];
  onInterval: ((index: number, parts: IntervalMessage[]) => void) | undefined;
  errorsSoFar = 0;

  constructor(count: number) {
    this.workers = Array.from({ length: count }, () => new WorkerState());
  }

  onMessage(index: number, message: WorkerMessage): void {
    const worker = this.workers[index]!;
    switch (message.type) {
      case 'ready':
        worker.ready = true;
        worker.readyErrors = message.errors;
        break;
      case 'interval': {
        this.intervals.push(message);
        this.errorsSoFar += message.errors;
        const parts = [...(this.intervalParts.get(message.index) ?? []), message];
        this.intervalParts.set(message.index, parts);
        if (parts.length === this.workers.filter((w) => w.fatal === undefined).length)
          this.onInterval?.(message.index, parts);
        break;
      }
      case 'published':
        worker.published = message.sentByPublisher;
        break;
      case 'report':
        worker.report = message.report;
        worker.published ??= message.report.sentByPublisher;
        worker.ready = true;
        break;
      case 'fatal':
        worker.fatal = message.message;
        worker.ready = true;
        worker.published ??= [];
        break;
    }
    for (const listener of this.listeners) listener();
  }

  /** Resolves true once every live worker satisfies the predicate, false on timeout. */
  waitFor(predicate: (worker: WorkerState) => boolean, timeoutMs: number): Promise<boolean> {
    const done = (): boolean =>
      this.workers.every((worker) => worker.fatal !== undefined || predicate(worker));
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const listener = (): void => {
        if (!done()) return;
        finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (value: boolean): void => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((candidate) => candidate !== listener);
        resolve(value);
      };
      this.listeners.push(listener);
    });
  }
}
