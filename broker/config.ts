// Broker config file (YAML or JSON; JSON is read by the same YAML 1.2 parser). Validation reports every
// problem at once, each with its key path and line, and rejects unknown keys. File paths inside the
// config (certificates, password and ACL files) are relative to the config file.
//
//   listeners: [{ type: tcp|tls|ws|wss, host, port, path (ws/wss), cert, key, ca, requestCert (tls/wss) }]
//   limits:    { connectTimeoutMs, maxPacketSize, maxConnections, receiveMaximum, maxInflight, ... }
//   features:  { retainAvailable, maximumQoS, wildcardSubscriptionAvailable, ... }
//   auth:      { passwordFile, aclFile, allowAnonymous, loginCacheSeconds }
//   sys:       { intervalSeconds }        # 0 turns $SYS off
//   log:       { level: debug|info|warn|error|silent }
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { ListenerConfig } from './listeners/index.js';
import type { LogLevel } from './options.js';
import type { StartBrokerOptions } from './start.js';

export type ConfigLogLevel = LogLevel | 'silent';

export interface BrokerConfig {
  /** Ready for startBroker() (certificates read, file paths resolved); add `log` yourself. */
  options: StartBrokerOptions;
  logLevel: ConfigLogLevel;
}

export interface ConfigProblem {
  path: string;
  line?: number;
  message: string;
}

export class BrokerConfigError extends Error {
  override readonly name = 'BrokerConfigError';
  readonly code = 'BROKER_CONFIG_INVALID';
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `${file}: invalid broker config:\n` +
        problems
          .map(
            (p) => `  ${p.line === undefined ? '' : `line ${p.line}: `}${p.path || '(root)'}: ${p.message}`,
          )
          .join('\n'),
    );
  }
}

const LIMIT_KEYS = [
  'connectTimeoutMs',
  'maxPacketSize',
  'maxConnections',
  'receiveMaximum',
  'maxInflight',
  'maxQueuedMessages',
  'maxTopicLength',
  'maxTopicLevels',
  'topicAliasMaximum',
  'serverKeepAlive',
  'maxSessionExpiryInterval',
  'maxWriteBuffer',
  'stalledSubscriberTimeoutMs',
] as const;
/** Limits where 0 means "off" rather than being out of range. */
const ZERO_ALLOWED: ReadonlySet<string> = new Set(['serverKeepAlive', 'stalledSubscriberTimeoutMs']);
const FEATURE_FLAGS = [
  'retainAvailable',
  'wildcardSubscriptionAvailable',
  'sharedSubscriptionAvailable',
  'subscriptionIdentifiersAvailable',
] as const;
const LOG_LEVELS: readonly ConfigLogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
const LISTENER_TYPES = ['tcp', 'tls', 'ws', 'wss'] as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects problems while walking the parsed document; `at` finds the line of a key path. */
class Checker {
  readonly problems: ConfigProblem[] = [];
  constructor(private readonly lineOf: (path: (string | number)[]) => number | undefined) {}

  fail(path: (string | number)[], message: string): void {
    const line = this.lineOf(path);
    const text = path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
      .join('')
      .replace(/^\./, '');
    this.problems.push({ path: text, ...(line === undefined ? {} : { line }), message });
  }

  object(value: unknown, path: (string | number)[], allowed: readonly string[]): Json | undefined {
    if (value === undefined) return undefined;
    if (!isObject(value)) {
      this.fail(path, 'expected a mapping');
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.fail([...path, key], `unknown key (allowed: ${allowed.join(', ')})`);
    }
    return value;
  }

  integer(value: unknown, path: (string | number)[], min: number, max: number): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(path, `expected an integer from ${min} to ${max}`);
      return undefined;
    }
    return value;
  }

  boolean(value: unknown, path: (string | number)[]): boolean | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      this.fail(path, 'expected true or false');
      return undefined;
    }
    return value;
  }

  string(value: unknown, path: (string | number)[]): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') {
      this.fail(path, 'expected a non-empty string');
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, path: (string | number)[], choices: readonly T[]): T | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
      this.fail(path, `expected one of ${choices.join(', ')}`);
      return undefined;
    }
    return value as T;
  }
}

/** A listener as written in the file: certificate fields are still paths. */
type ListenerDraft = { config: ListenerConfig; files: { cert?: string; key?: string; ca?: string } };

function checkListener(c: Checker, raw: unknown, index: number): ListenerDraft | undefined {
  const path = ['listeners', index];
  const type = isObject(raw) ? c.oneOf(raw['type'], [...path, 'type'], LISTENER_TYPES) : undefined;
  if (isObject(raw) && raw['type'] === undefined) c.fail([...path, 'type'], 'required');
  const secure = type === 'tls' || type === 'wss';
  const web = type === 'ws' || type === 'wss';
  const allowed = [
    'type',
    'host',
    'port',
    ...(web ? ['path'] : []),
    ...(secure ? ['cert', 'key', 'ca', 'requestCert'] : []),
  ];
  const value = c.object(raw, path, allowed);
  if (value === undefined || type === undefined) {
    if (raw === undefined || raw === null) c.fail(path, 'expected a mapping');
    return undefined;
  }
  const host = c.string(value['host'], [...path, 'host']);
  const port = c.integer(value['port'], [...path, 'port'], 0, 65535);
  const files: ListenerDraft['files'] = {};
  for (const key of ['cert', 'key', 'ca'] as const) {
    const file = c.string(value[key], [...path, key]);
    if (file !== undefined) files[key] = file;
  }
  if (secure && (files.cert === undefined || files.key === undefined))
    c.fail(path, `a ${type} listener needs cert and key`);
  const requestCert = c.boolean(value['requestCert'], [...path, 'requestCert']);
  const urlPath = c.string(value['path'], [...path, 'path']);
  if (urlPath !== undefined && !urlPath.startsWith('/')) c.fail([...path, 'path'], "must start with '/'");
  const base = { ...(host === undefined ? {} : { host }), ...(port === undefined ? {} : { port }) };
  const web_ = urlPath === undefined ? {} : { path: urlPath };
  const tls = { cert: '', key: '', ...(requestCert === undefined ? {} : { requestCert }) };
  const config: ListenerConfig =
    type === 'tcp'
      ? { type, ...base }
      : type === 'ws'
        ? { type, ...base, ...web_ }
        : type === 'tls'
          ? { type, ...base, ...tls }
          : { type, ...base, ...web_, ...tls };
  return { config, files };
}

function checkConfig(
  c: Checker,
  root: unknown,
): { options: StartBrokerOptions; logLevel: ConfigLogLevel; drafts: ListenerDraft[] } {
  const options: StartBrokerOptions = {};
  const drafts: ListenerDraft[] = [];
  let logLevel: ConfigLogLevel = 'info';
  const top = c.object(root ?? {}, [], ['listeners', 'limits', 'features', 'auth', 'sys', 'log']);
  if (top === undefined) return { options, logLevel, drafts };
  const listeners = top['listeners'];
  if (listeners !== undefined && !Array.isArray(listeners)) c.fail(['listeners'], 'expected a list');
  if (Array.isArray(listeners)) {
    listeners.forEach((raw, i) => {
      const draft = checkListener(c, raw, i);
      if (draft) drafts.push(draft);
    });
  }
  const limits = c.object(top['limits'], ['limits'], LIMIT_KEYS);
  for (const key of LIMIT_KEYS) {
    const value = c.integer(limits?.[key], ['limits', key], ZERO_ALLOWED.has(key) ? 0 : 1, 0xffff_ffff);
    if (value !== undefined) options[key] = value;
  }
  const features = c.object(top['features'], ['features'], [...FEATURE_FLAGS, 'maximumQoS']);
  for (const key of FEATURE_FLAGS) {
    const value = c.boolean(features?.[key], ['features', key]);
    if (value !== undefined) options[key] = value;
  }
  const maximumQoS = c.integer(features?.['maximumQoS'], ['features', 'maximumQoS'], 0, 2);
  if (maximumQoS !== undefined) options.maximumQoS = maximumQoS as 0 | 1 | 2;
  const auth = c.object(
    top['auth'],
    ['auth'],
    ['passwordFile', 'aclFile', 'allowAnonymous', 'loginCacheSeconds'],
  );
  const passwordFile = c.string(auth?.['passwordFile'], ['auth', 'passwordFile']);
  const aclFile = c.string(auth?.['aclFile'], ['auth', 'aclFile']);
  const allowAnonymous = c.boolean(auth?.['allowAnonymous'], ['auth', 'allowAnonymous']);
  if (passwordFile !== undefined) options.passwordFile = passwordFile;
  if (aclFile !== undefined) options.aclFile = aclFile;
  if (allowAnonymous !== undefined) options.allowAnonymous = allowAnonymous;
  const loginCache = c.integer(auth?.['loginCacheSeconds'], ['auth', 'loginCacheSeconds'], 0, 86_400);
  if (loginCache !== undefined) options.loginCacheSeconds = loginCache;
  const sys = c.object(top['sys'], ['sys'], ['intervalSeconds']);
  const interval = c.integer(sys?.['intervalSeconds'], ['sys', 'intervalSeconds'], 0, 86_400);
  if (interval !== undefined) options.sysIntervalMs = interval * 1000;
  const log = c.object(top['log'], ['log'], ['level']);
  logLevel = c.oneOf(log?.['level'], ['log', 'level'], LOG_LEVELS) ?? logLevel;
  return { options, logLevel, drafts };
}

/** Parses and validates config text. Certificates are not read: listeners keep their file paths. */
export function parseBrokerConfig(
  text: string,
  file = '<config>',
): { options: StartBrokerOptions; logLevel: ConfigLogLevel; certificateFiles: ListenerDraft['files'][] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new BrokerConfigError(
      file,
      doc.errors.map((e) => ({
        path: '',
        line: lineCounter.linePos(e.pos[0]).line,
        message: e.message.split('\n')[0] ?? e.message,
      })),
    );
  }
  const lineOf = (path: (string | number)[]): number | undefined => {
    for (let n = path.length; n > 0; n--) {
      const node: unknown = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const checker = new Checker(lineOf);
  const { options, logLevel, drafts } = checkConfig(checker, doc.toJS());
  if (checker.problems.length > 0) throw new BrokerConfigError(file, checker.problems);
  if (drafts.length > 0) options.listeners = drafts.map((d) => d.config);
  return { options, logLevel, certificateFiles: drafts.map((d) => d.files) };
}

/** Reads, validates and resolves a config file: paths become absolute, certificates are loaded. */
export async function loadBrokerConfig(file: string): Promise<BrokerConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new BrokerConfigError(file, [{ path: '', message: `cannot read: ${(error as Error).message}` }]);
  }
  const { options, logLevel, certificateFiles } = parseBrokerConfig(text, file);
  const base = dirname(resolve(file));
  const problems: ConfigProblem[] = [];
  const read = async (path: string, where: string): Promise<Buffer> => {
    try {
      return await readFile(resolve(base, path));
    } catch (error) {
      problems.push({ path: where, message: `cannot read ${path}: ${(error as Error).message}` });
      return Buffer.alloc(0);
    }
  };
  if (options.passwordFile !== undefined) options.passwordFile = resolve(base, options.passwordFile);
  if (options.aclFile !== undefined) options.aclFile = resolve(base, options.aclFile);
  const listeners = options.listeners ?? [];
  for (const [i, listener] of listeners.entries()) {
    const files = certificateFiles[i] ?? {};
    if (listener.type !== 'tls' && listener.type !== 'wss') continue;
    if (files.cert !== undefined) listener.cert = await read(files.cert, `listeners[${i}].cert`);
    if (files.key !== undefined) listener.key = await read(files.key, `listeners[${i}].key`);
    if (files.ca !== undefined) listener.ca = await read(files.ca, `listeners[${i}].ca`);
  }
  if (problems.length > 0) throw new BrokerConfigError(file, problems);
  return { options, logLevel };
}
