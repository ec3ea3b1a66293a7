// A broker that is already running, given by URL: mqtt:// (tcp), mqtts:// (tls), ws://, wss://.
// Credentials come from the URL (user:pass@) or the options; TLS files are read at start.
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { TargetError } from './errors.js';
import {
  ALL_CAPABILITIES,
  parseWithSchema,
  throwIfAborted,
  type StartContext,
  type TargetKind,
} from './kind.js';
import { canConnect } from './network.js';
import { splitEndpointList } from './pool.js';
import type { Endpoint, StartedTarget, Transport } from './types.js';

export const UrlOptionsSchema = Type.Object(
  {
    url: Type.String({ minLength: 1 }),
    username: Type.Optional(Type.String()),
    password: Type.Optional(Type.String()),
    /** PEM files, relative to the config file (or the working directory). */
    ca: Type.Optional(Type.String({ minLength: 1 })),
    cert: Type.Optional(Type.String({ minLength: 1 })),
    key: Type.Optional(Type.String({ minLength: 1 })),
    servername: Type.Optional(Type.String({ minLength: 1 })),
    /** Accept any server certificate (self-signed test brokers). */
    allowInsecure: Type.Optional(Type.Boolean()),
    /** Check at start that the port accepts TCP (default true), with this timeout. */
    probe: Type.Optional(Type.Boolean()),
    probeTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
    /** More endpoints of the same cluster (a pool; the URL may also list hosts: mqtt://h1,h2:1884). */
    endpoints: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    /** How load clients spread over the pool. */
    spread: Type.Optional(Type.Union([Type.Literal('round-robin'), Type.Literal('hash')])),
  },
  { additionalProperties: false },
);

export type UrlOptions = Static<typeof UrlOptionsSchema>;

const SCHEMES: Record<string, { transport: Transport; port: number }> = {
  'mqtt:': { transport: 'tcp', port: 1883 },
  'tcp:': { transport: 'tcp', port: 1883 },
  'mqtts:': { transport: 'tls', port: 8883 },
  'ssl:': { transport: 'tls', port: 8883 },
  'tls:': { transport: 'tls', port: 8883 },
  'ws:': { transport: 'ws', port: 80 },
  'wss:': { transport: 'wss', port: 443 },
};

export function looksLikeUrl(spec: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(spec);
}

/**
 * Parses the URL and options into an endpoint, without reading files. A pool (several hosts in the
 * URL, or `endpoints`) gives the first endpoint with `pool` listing them all.
 */
export function parseEndpoint(options: UrlOptions): Endpoint {
  const urls = [...splitEndpointList(options.url), ...(options.endpoints ?? []).flatMap(splitEndpointList)];
  if (urls.length === 1) return parseOneEndpoint(options);
  const pool = urls.map((url) => parseOneEndpoint({ ...options, url }));
  if (new Set(pool.map((endpoint) => endpoint.transport)).size > 1)
    throw new TargetError(
      'options-invalid',
      `the endpoints of a pool must share one scheme: ${redact(options.url)}`,
    );
  return { ...pool[0]!, pool, spread: options.spread ?? 'round-robin' };
}

function parseOneEndpoint(options: UrlOptions): Endpoint {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new TargetError('options-invalid', `not a valid URL: ${options.url}`);
  }
  const scheme = SCHEMES[url.protocol];
  if (!scheme) {
    const known = Object.keys(SCHEMES)
      .map((protocol) => `${protocol}//`)
      .join(', ');
    throw new TargetError(
      'options-invalid',
      `unsupported URL scheme '${url.protocol}' in ${redact(options.url)} (use ${known})`,
    );
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const username = options.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
  const password = options.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
  const websocket = scheme.transport === 'ws' || scheme.transport === 'wss';
  return {
    transport: scheme.transport,
    host,
    port: url.port ? Number(url.port) : scheme.port,
    ...(websocket ? { path: url.pathname && url.pathname !== '/' ? url.pathname : '/mqtt' } : {}),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}

/** The URL with any password replaced, for names and reports. */
export function redact(spec: string): string {
  try {
    const url = new URL(spec);
    if (url.password) url.password = '***';
    return url.href.replace(/\/$/, '');
  } catch {
    return spec;
  }
}

async function startUrl(name: string, options: UrlOptions, context: StartContext): Promise<StartedTarget> {
  const endpoint = parseEndpoint(options);
  const secure = endpoint.transport === 'tls' || endpoint.transport === 'wss';
  if (!secure && (options.ca ?? options.cert ?? options.key) !== undefined) {
    throw new TargetError(
      'options-invalid',
      `ca/cert/key need an mqtts:// or wss:// URL, got ${redact(options.url)}`,
    );
  }
  if (secure) {
    const read = (file: string | undefined): Promise<Buffer | undefined> =>
      file === undefined
        ? Promise.resolve(undefined)
        : readPem(isAbsolute(file) ? file : resolve(context.baseDir, file));
    const [ca, cert, key] = await Promise.all([read(options.ca), read(options.cert), read(options.key)]);
    endpoint.tls = {
      rejectUnauthorized: !(options.allowInsecure ?? false),
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      ...(options.servername ? { servername: options.servername } : {}),
    };
  }
  throwIfAborted(context.signal, `connecting to ${name}`);
  await probe(name, endpoint, options);
  let stopped = false;
  return {
    name,
    kind: 'url',
    endpoint,
    url: redact(options.url),
    capabilities: new Set(ALL_CAPABILITIES),
    knownDeviations: [],
    isAlive: () => !stopped,
    stop() {
      stopped = true;
      return Promise.resolve();
    },
  };
}

/** One TCP connection to the endpoint (unless `probe: false`); throws 'unreachable'. */
async function probe(name: string, endpoint: Endpoint, options: UrlOptions): Promise<void> {
  if (!(options.probe ?? true)) return;
  const timeoutMs = options.probeTimeoutMs ?? 5000;
  for (const one of endpoint.pool ?? [endpoint]) {
    if (!(await canConnect(one.host, one.port, timeoutMs))) {
      throw new TargetError(
        'unreachable',
        `target '${name}': ${one.host}:${one.port} does not accept TCP connections (waited ${timeoutMs} ms)`,
      );
    }
  }
}

async function readPem(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new TargetError('options-invalid', `cannot read ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export const urlTarget: TargetKind<UrlOptions> = {
  kind: 'url',
  parseOptions: (raw) => parseWithSchema('url', UrlOptionsSchema, raw),
  preflight: (options) => probe(redact(options.url), parseEndpoint(options), options),
  unpinnable: () => 'a URL target is a broker the harness does not start; pin it where it is started',
  startWith: startUrl,
};
