// The client side of SCRAM-SHA-256 (RFC 5802 / RFC 7677), for the `auth` step: the harness computes
// its answers itself and checks the server's signature, so it does not trust the broker's code.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();

/** RFC 5802 saslname: ',' and '=' escaped. */
const saslName = (name: string): string => name.replace(/=/g, '=3D').replace(/,/g, '=2C');

/** client-first-message: gs2 header 'n,,' (no channel binding) and the bare part. */
export function scramClientFirst(username: string, nonce = randomBytes(18).toString('base64')): string {
  return `n,,n=${saslName(username)},r=${nonce}`;
}

export interface ScramClientFinal {
  message: string;
  /** What the server's final message must carry as `v=` (base64). */
  serverSignature: string;
}

/**
 * client-final-message for the server-first `challenge`, continuing `clientFirst`; throws with the
 * reason when the challenge is not a SCRAM server-first that extends the client's nonce.
 */
export function scramClientFinal(clientFirst: string, challenge: string, password: string): ScramClientFinal {
  if (!clientFirst.startsWith('n,,')) throw new Error(`not a SCRAM client-first message: '${clientFirst}'`);
  const bare = clientFirst.slice(3);
  const clientNonce = /(?:^|,)r=([^,]*)/.exec(bare)?.[1] ?? '';
  const fields = new Map(challenge.split(',').map((part) => [part.slice(0, 1), part.slice(2)] as const));
  const nonce = fields.get('r');
  const salt = fields.get('s');
  const iterations = Number(fields.get('i'));
  if (nonce === undefined || salt === undefined || !Number.isInteger(iterations) || iterations < 1) {
    throw new Error(`not a SCRAM server-first message: '${challenge}'`);
  }
  if (!nonce.startsWith(clientNonce) || nonce.length === clientNonce.length) {
    throw new Error(`the server nonce does not extend the client nonce: '${challenge}'`);
  }
  const salted = pbkdf2Sync(
    password.normalize('NFKC'),
    Buffer.from(salt, 'base64'),
    iterations,
    32,
    'sha256',
  );
  const clientKey = hmac(salted, 'Client Key');
  const storedKey = createHash('sha256').update(clientKey).digest();
  const withoutProof = `c=biws,r=${nonce}`;
  const authMessage = `${bare},${challenge},${withoutProof}`;
  const signature = hmac(storedKey, authMessage);
  const proof = Buffer.from(clientKey.map((byte, i) => byte ^ (signature[i] ?? 0))).toString('base64');
  return {
    message: `${withoutProof},p=${proof}`,
    serverSignature: hmac(hmac(salted, 'Server Key'), authMessage).toString('base64'),
  };
}

/** Whether the server-final message `v=...` carries the expected signature. */
export function scramServerFinalValid(serverFinal: string, expected: string): boolean {
  const given = Buffer.from(serverFinal.startsWith('v=') ? serverFinal.slice(2) : '', 'base64');
  const wanted = Buffer.from(expected, 'base64');
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
