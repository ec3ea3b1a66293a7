// Fans every hook out to several reporters. A reporter that throws (or whose onEnd rejects) is
// reported and skipped: one broken reporter cannot end the run or silence the others. The failure
// goes to ctx.stderr (else ctx.stdout); with neither, to a process warning (library code prints nothing).
import type { Reporter, ReporterContext } from './types.js';

type Hook = Exclude<keyof Reporter, 'onEnd'>;

export interface NamedReporter {
  name: string;
  reporter: Reporter;
}

export function multiplex(reporters: readonly NamedReporter[], ctx: Partial<ReporterContext> = {}): Reporter {
  const errors = ctx.stderr ?? ctx.stdout;
  const report = (name: string, hook: string, error: unknown): void => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    const text = `harness: reporter '${name}' failed in ${hook}: ${message}`;
    if (errors) errors.write(`${text}\n`);
    else process.emitWarning(text, 'ReporterWarning');
  };
  const call = <H extends Hook>(hook: H, arg: Parameters<NonNullable<Reporter[H]>>[0]): void => {
    for (const { name, reporter } of reporters) {
      const fn = reporter[hook] as ((value: typeof arg) => void) | undefined;
      if (!fn) continue;
      try {
        fn.call(reporter, arg);
      } catch (error) {
        report(name, hook, error);
      }
    }
  };
  return {
    onBegin: (info) => call('onBegin', info),
    onScenarioEnd: (result) => call('onScenarioEnd', result),
    onLoadProgress: (progress) => call('onLoadProgress', progress),
    onLoadEnd: (result) => call('onLoadEnd', result),
    async onEnd(result) {
      // In order, so console output of one reporter is not interleaved with another's.
      for (const { name, reporter } of reporters) {
        if (!reporter.onEnd) continue;
        try {
          await reporter.onEnd(result);
        } catch (error) {
          report(name, 'onEnd', error);
        }
      }
    },
  };
}
