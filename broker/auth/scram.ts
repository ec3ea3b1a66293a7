// SCRAM-SHA-256 (RFC 5802 / RFC 7677) as an MQTT 5 enhanced authentication method: the client sends
// its client-first message in CONNECT (or AUTH 0x19 to re-authenticate), the server answers with
// server-first in AUTH 0x18, the client sends client-final in AUTH 0x18, and the server ends with
// server-final (its signature) in the CONNACK (or AUTH 0x00). Only the stored key and server key
// of each user are kept, never the password. No channel binding (gs2 header 'n,,').
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthExchange, AuthStep, EnhancedAuthMethod } from './enhanced.js';

export const SCRAM_SHA_256 = 'SCRAM-SHA-256';
/** RFC 7677 asks for at least 4096 iterations. */
export const DEFAULT_SCRAM_ITERATIONS = 4096;

export interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/** What the server stores for a user: derived once from the password. */
export function scramCredential(
  password: string,
  iterations = DEFAULT_SCRAM_ITERATIONS,
  salt: Buffer = randomBytes(16),
): ScramCredential {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  return {
    salt,
    iterations,
    storedKey: sha256(hmac(salted, 'Client Key')),
    serverKey: hmac(salted, 'Server Key'),
  };
}

/** `a=1,b=2` attributes; undefined when malformed. */
function attributes(text: string): Map<string, string> | undefined {
  const map = new Map<string, string>();
  for (const part of text.split(',')) {
    const match = /^([A-Za-z])=(.*)$/s.exec(part);
    if (!match?.[1] || match[2] === undefined || map.has(match[1])) return undefined;
    map.set(match[1], match[2]);
  }
  return map;
}

/** RFC 5802 saslname: '=2C' is ',' and '=3D' is '='. */
const saslName = (name: string): string => name.replace(/=2C/g, ',').replace(/=3D/g, '=');

class ScramExchange implements AuthExchange {
  private state:
    | { at: 'first' }
    | { at: 'final'; username: string; nonce: string; authPrefix: string; credential: ScramCredential }
    | { at: 'done' } = { at: 'first' };

  constructor(private readonly users: ReadonlyMap<string, ScramCredential>) {}

  step(data: Buffer | undefined): AuthStep {
    const text = data?.toString('utf8') ?? '';
    const state = this.state;
    this.state = { at: 'done' };
    if (state.at === 'first') return this.first(text);
    if (state.at === 'final') return this.final(text, state);
    return { kind: 'failure', reason: 'exchange already ended' };
  }

  private first(text: string): AuthStep {
    // gs2-header 'n,,' (no channel binding, no authzid), then client-first-message-bare.
    if (!text.startsWith('n,,')) return { kind: 'failure', reason: 'client-first without gs2 header n,,' };
    const bare = text.slice(3);
    const fields = attributes(bare);
    const name = fields?.get('n');
    const clientNonce = fields?.get('r');
    if (name === undefined || clientNonce === undefined || clientNonce.length === 0) {
      return { kind: 'failure', reason: 'malformed client-first message' };
    }
    const username = saslName(name);
    const credential = this.users.get(username);
    if (credential === undefined) return { kind: 'failure', reason: 'unknown user' };
    const nonce = clientNonce + randomBytes(18).toString('base64');
    const serverFirst = `r=${nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
    this.state = { at: 'final', username, nonce, authPrefix: `${bare},${serverFirst}`, credential };
    return { kind: 'continue', data: Buffer.from(serverFirst) };
  }

  private final(
    text: string,
    state: { username: string; nonce: string; authPrefix: string; credential: ScramCredential },
  ): AuthStep {
    const at = text.lastIndexOf(',p=');
    const fields = attributes(text);
    if (at < 0 || fields === undefined) return { kind: 'failure', reason: 'malformed client-final message' };
    if (fields.get('c') !== 'biws') return { kind: 'failure', reason: 'unexpected channel binding' };
    if (fields.get('r') !== state.nonce) return { kind: 'failure', reason: 'nonce mismatch' };
    const proof = Buffer.from(fields.get('p') ?? '', 'base64');
    const authMessage = `${state.authPrefix},${text.slice(0, at)}`;
    const signature = hmac(state.credential.storedKey, authMessage);
    if (proof.length !== signature.length) return { kind: 'failure', reason: 'bad proof' };
    const clientKey = Buffer.from(proof.map((byte, i) => byte ^ (signature[i] ?? 0)));
    if (!timingSafeEqual(sha256(clientKey), state.credential.storedKey)) {
      return { kind: 'failure', reason: 'bad proof' };
    }
    const serverSignature = hmac(state.credential.serverKey, authMessage).toString('base64');
    return { kind: 'success', username: state.username, data: Buffer.from(`v=${serverSignature}`) };
  }
}

/** SCRAM-SHA-256 over these users (user name → password, derived at once). */
export function scramSha256(
  users: Readonly<Record<string, string>>,
  iterations = DEFAULT_SCRAM_ITERATIONS,
): EnhancedAuthMethod {
  const credentials = new Map(
    Object.entries(users).map(([name, password]) => [name, scramCredential(password, iterations)] as const),
  );
  return { name: SCRAM_SHA_256, start: () => new ScramExchange(credentials) };
}
