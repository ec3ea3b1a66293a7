// recordSession: the whole of `harness record` as one call. Records until the signal aborts (Ctrl-C)
// or the duration ends, then writes the scenario file, whichever way the recording stopped.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { HarnessError } from '../errors.js';
import { generateScenario, type GenerateOptions } from './generate/scenario.js';
import { renderScenarioYaml } from './generate/yaml.js';
import type { Recording } from './model.js';
import { startRecorder, type RecorderOptions, type RunningRecorder } from './recorder.js';

export interface RecordSessionOptions extends RecorderOptions, Omit<GenerateOptions, 'name'> {
  /** The scenario file to write (relative to cwd). */
  output: string;
  cwd: string;
  /** Scenario name (default: from the output file name). */
  name?: string;
  /** Stop after this long (ms); default: only when the signal aborts. */
  durationMs?: number;
  signal?: AbortSignal;
  /** Called once the recorder listens (the CLI prints where clients connect). */
  onListening?(recorder: RunningRecorder): void;
}

export interface RecordSessionResult {
  file: string;
  recording: Recording;
  /** Scenario clients and steps written. */
  clients: number;
  steps: number;
  stoppedBy: 'signal' | 'duration';
}

export async function recordSession(options: RecordSessionOptions): Promise<RecordSessionResult> {
  const file = resolve(options.cwd, options.output);
  const name = options.name ?? scenarioName(file);
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name))
    throw new HarnessError('HARNESS_USAGE', `scenario name '${name}' is not kebab-case (give --name)`);
  const recorder = await startRecorder(options);
  options.onListening?.(recorder);
  const stoppedBy = await stopCondition(options.signal, options.durationMs);
  const recording = await recorder.stop();
  const generated = generateScenario(recording, { ...options, name });
  if (generated.stepCount === 0) {
    const filtered = options.clientIds !== undefined && options.clientIds.length > 0;
    throw new HarnessError(
      'HARNESS_RECORD_FAILED',
      `nothing to write: ${recording.connections.length} connection(s) recorded${filtered ? ', none with a client id the filter names' : ''}`,
    );
  }
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, renderScenarioYaml(generated));
  } catch (error) {
    throw new HarnessError(
      'HARNESS_RECORD_FAILED',
      `cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const clients = Object.keys(generated.head['clients'] ?? {}).length;
  return { file, recording, clients, steps: generated.stepCount, stoppedBy };
}

function stopCondition(
  signal: AbortSignal | undefined,
  durationMs: number | undefined,
): Promise<'signal' | 'duration'> {
  return new Promise((resolveStop) => {
    if (signal?.aborted === true) {
      resolveStop('signal');
      return;
    }
    const timer = durationMs === undefined ? undefined : setTimeout(() => finish('duration'), durationMs);
    const onAbort = (): void => finish('signal');
    const finish = (why: 'signal' | 'duration'): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolveStop(why);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `recordings/My Session.yaml` → `my-session`. */
function scenarioName(file: string): string {
  const base = file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '');
  return (
    base
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'recorded'
  );
}
