// `harness broker`: runs the reference broker in the foreground until SIGINT/SIGTERM, logging to stderr.
// `harness broker passwd FILE USERNAME`: adds or replaces a user in a password file (scrypt hash).
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  createPasswordEntry,
  loadBrokerConfig,
  startBroker,
  BrokerConfigError,
  AuthFileError,
  type ListenerConfig,
  type LogLevel,
  type StartBrokerOptions,
} from '../../../broker/index.js';
import { EXIT, type CliIO, type CommandModule } from '../io.js';

const HELP = `Usage: harness broker [options]
       harness broker passwd FILE USERNAME [--password PASSWORD]

Runs the reference MQTT 3.1.1/5.0 broker in the foreground; logs go to stderr; Ctrl-C stops it.

Options:
  --host HOST        interface for every listener given on the command line (default 127.0.0.1)
  --port N           TCP listener port (default 1883; 0 = any free port)
  --config FILE      YAML or JSON config file (listeners, limits, auth, sys, log); see docs/broker.md
  --tls-port N       also listen for MQTT over TLS (needs --cert and --key)
  --ws-port N        also listen for MQTT over WebSocket (ws://HOST:N/)
  --wss-port N       also listen for MQTT over secure WebSocket (needs --cert and --key)
  --cert FILE        PEM certificate chain for --tls-port / --wss-port
  --key FILE         PEM private key for --tls-port / --wss-port
  --log-level LEVEL  debug, info, warn, error or silent (default info, or the config's level)
  -h, --help         this help

Listeners from the command line are added to those of the config file; --port replaces the
default TCP listener only when the config file declares no listeners.

passwd: writes 'USERNAME:scrypt$...' into FILE (created if missing, an existing line for USERNAME
is replaced). The password is read from --password or, when absent, from the first line of stdin.
`;

const LEVELS: readonly (LogLevel | 'silent')[] = ['debug', 'info', 'warn', 'error', 'silent'];

function port(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`${name}: expected a port number 0..65535, got '${value}'`);
  return n;
}

class UsageError extends Error {}

function makeLogger(
  io: CliIO,
  threshold: LogLevel | 'silent',
): (level: LogLevel, message: string, fields?: Record<string, unknown>) => void {
  const rank = (level: LogLevel | 'silent'): number => LEVELS.indexOf(level);
  return (level, message, fields) => {
    if (threshold === 'silent' || rank(level) < rank(threshold)) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    io.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} ${message}${extra}\n`);
  };
}

async function runPasswd(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { password: { type: 'string' } },
    allowPositionals: true,
  });
  const [file, username] = positionals;
  if (file === undefined || username === undefined || positionals.length > 2) {
    io.stderr.write('harness broker passwd: expected FILE USERNAME\n');
    return EXIT.usage;
  }
  let password = values.password;
  if (password === undefined) {
    let text = '';
    for await (const chunk of process.stdin) {
      text += (chunk as Buffer).toString('utf8');
      if (text.includes('\n')) break; // the first line is enough (a terminal need not send EOF)
    }
    password = text.split(/\r?\n/)[0] ?? '';
  }
  if (password === '') {
    io.stderr.write('harness broker passwd: empty password\n');
    return EXIT.usage;
  }
  const entry = await createPasswordEntry(username, password);
  let existing = '';
  try {
    existing = await readFile(file, 'utf8');
  } catch {
    // a new file
  }
  const kept = existing.split(/\r?\n/).filter((line) => line !== '' && !line.startsWith(`${username}:`));
  await writeFile(file, [...kept, entry, ''].join('\n'), { mode: 0o600 });
  io.stderr.write(`harness broker passwd: ${username} written to ${file}\n`);
  return EXIT.ok;
}

async function buildOptions(
  values: Record<string, unknown>,
): Promise<{ options: StartBrokerOptions; logLevel: LogLevel | 'silent' }> {
  const str = (key: string): string | undefined => {
    const v = values[key];
    return typeof v === 'string' ? v : undefined;
  };
  const fromFile = str('config') === undefined ? undefined : await loadBrokerConfig(str('config')!);
  const options: StartBrokerOptions = { ...(fromFile?.options ?? {}) };
  const host = str('host') ?? '127.0.0.1';
  const listeners: ListenerConfig[] = [...(options.listeners ?? [])];
  const tcpPort = port(str('port'), '--port');
  if (tcpPort !== undefined || listeners.length === 0)
    listeners.push({ type: 'tcp', host, port: tcpPort ?? 1883 });
  const tlsPort = port(str('tls-port'), '--tls-port');
  const wsPort = port(str('ws-port'), '--ws-port');
  const wssPort = port(str('wss-port'), '--wss-port');
  if (tlsPort !== undefined || wssPort !== undefined) {
    const certFile = str('cert');
    const keyFile = str('key');
    if (certFile === undefined || keyFile === undefined)
      throw new UsageError('--tls-port and --wss-port need --cert and --key');
    const [cert, key] = await Promise.all([readFile(certFile), readFile(keyFile)]);
    if (tlsPort !== undefined) listeners.push({ type: 'tls', host, port: tlsPort, cert, key });
    if (wssPort !== undefined) listeners.push({ type: 'wss', host, port: wssPort, cert, key });
  }
  if (wsPort !== undefined) listeners.push({ type: 'ws', host, port: wsPort });
  options.listeners = listeners;
  const level = str('log-level');
  if (level !== undefined && !LEVELS.includes(level as LogLevel))
    throw new UsageError(`--log-level: expected one of ${LEVELS.join(', ')}`);
  return { options, logLevel: (level as LogLevel | undefined) ?? fromFile?.logLevel ?? 'info' };
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

export const command: CommandModule = {
  summary: 'run the reference MQTT broker (tcp, tls, ws, wss) in the foreground',
  async run(argv: string[], io: CliIO): Promise<number> {
    if (argv[0] === 'passwd') {
      try {
        return await runPasswd(argv.slice(1), io);
      } catch (error) {
        io.stderr.write(`harness broker passwd: ${(error as Error).message}\n`);
        return EXIT.usage;
      }
    }
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: argv,
        options: {
          host: { type: 'string' },
          port: { type: 'string' },
          config: { type: 'string' },
          'tls-port': { type: 'string' },
          'ws-port': { type: 'string' },
          'wss-port': { type: 'string' },
          cert: { type: 'string' },
          key: { type: 'string' },
          'log-level': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        allowPositionals: false,
      });
    } catch (error) {
      io.stderr.write(`harness broker: ${(error as Error).message}\n\n${HELP}`);
      return EXIT.usage;
    }
    if (parsed.values['help'] === true) {
      io.stdout.write(HELP);
      return EXIT.ok;
    }
    let built: Awaited<ReturnType<typeof buildOptions>>;
    try {
      built = await buildOptions(parsed.values);
    } catch (error) {
      const known =
        error instanceof UsageError || error instanceof BrokerConfigError || error instanceof AuthFileError;
      io.stderr.write(`harness broker: ${known ? error.message : String(error)}\n`);
      return EXIT.usage;
    }
    const log = makeLogger(io, built.logLevel);
    let running: Awaited<ReturnType<typeof startBroker>>;
    try {
      running = await startBroker({ ...built.options, log });
    } catch (error) {
      const code = (error as { code?: string }).code;
      io.stderr.write(
        `harness broker: cannot start: ${(error as Error).message}${code ? ` (${code})` : ''}\n`,
      );
      return error instanceof AuthFileError || code === 'EADDRINUSE' || code === 'EACCES'
        ? EXIT.usage
        : EXIT.internal;
    }
    for (const address of running.addresses) log('info', `listening on ${address.url}`);
    await waitForAbort(io.signal);
    log('info', 'stopping');
    await running.close();
    log('info', 'stopped');
    return EXIT.ok;
  },
};
