// Password file: one `username:hash` line per user, '#' starts a comment. The hash is a salted
// scrypt digest, never the password itself:  scrypt$<N>$<r>$<p>$<salt base64>$<digest base64>
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AuthFileError } from './errors.js';

export interface ScryptParameters {
  N: number;
  r: number;
  p: number;
}

/** 2^14 / 8 / 1: the cost recommended for interactive logins, about 16 MiB and tens of ms per check. */
export const DEFAULT_SCRYPT: ScryptParameters = { N: 16384, r: 8, p: 1 };
const SALT_BYTES = 16;
const DIGEST_BYTES = 32;
const PREFIX = 'scrypt';

interface PasswordHash extends ScryptParameters {
  salt: Buffer;
  digest: Buffer;
}

function derive(password: Buffer, salt: Buffer, length: number, params: ScryptParameters): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const maxmem = 256 * params.N * params.r + 1024 * 1024;
    scrypt(password, salt, length, { ...params, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Hashes a password into the string stored after `username:` in the password file. */
export async function hashPassword(
  password: string | Buffer,
  params: ScryptParameters = DEFAULT_SCRYPT,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const digest = await derive(Buffer.from(password), salt, DIGEST_BYTES, params);
  return [PREFIX, params.N, params.r, params.p, salt.toString('base64'), digest.toString('base64')].join('$');
}

/** One password file line for `username` (what `harness broker passwd` appends). */
export async function createPasswordEntry(
  username: string,
  password: string | Buffer,
  params?: ScryptParameters,
): Promise<string> {
  if (username.length === 0 || username.includes(':') || /[\r\n]/.test(username)) {
    throw new AuthFileError(
      'PASSWORD_FILE_INVALID',
      `invalid username '${username}' (empty, or contains ':' or a newline)`,
      '<entry>',
    );
  }
  return `${username}:${await hashPassword(password, params)}`;
}

function parseHash(text: string): PasswordHash | undefined {
  const parts = text.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const digest = Buffer.from(parts[5] ?? '', 'base64');
  if (N === undefined || r === undefined || p === undefined) return undefined;
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || (N & (N - 1)) !== 0) return undefined;
  if (salt.length === 0 || digest.length === 0) return undefined;
  return { N, r, p, salt, digest };
}

/** What an unknown user's login is checked against: the same work as a known user's. */
function decoyFor(users: ReadonlyMap<string, PasswordHash>): PasswordHash {
  const first = users.values().next();
  const params = first.done === true ? DEFAULT_SCRYPT : first.value;
  const digestBytes = first.done === true ? DIGEST_BYTES : first.value.digest.length;
  return {
    N: params.N,
    r: params.r,
    p: params.p,
    salt: randomBytes(SALT_BYTES),
    digest: randomBytes(digestBytes),
  };
}

const NO_PASSWORD = Buffer.alloc(0);

export class PasswordFile {
  private readonly decoy: PasswordHash;
  private hashes = 0;

  private constructor(private readonly users: ReadonlyMap<string, PasswordHash>) {
    this.decoy = decoyFor(users);
  }

  /** Hashes computed by verify() so far (every call computes exactly one). */
  get hashCount(): number {
    return this.hashes;
  }

  static parse(text: string, file = '<password file>'): PasswordFile {
    const users = new Map<string, PasswordHash>();
    text.split(/\r?\n/).forEach((raw, index) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const colon = line.indexOf(':');
      const hash = colon > 0 ? parseHash(line.slice(colon + 1)) : undefined;
      if (hash === undefined) {
        throw new AuthFileError(
          'PASSWORD_FILE_INVALID',
          'expected username:scrypt$N$r$p$salt$digest',
          file,
          index + 1,
        );
      }
      users.set(line.slice(0, colon), hash);
    });
    return new PasswordFile(users);
  }

  static async load(path: string): Promise<PasswordFile> {
    return PasswordFile.parse(await readFile(path, 'utf8'), path);
  }

  get size(): number {
    return this.users.size;
  }

  has(username: string): boolean {
    return this.users.has(username);
  }

  /**
   * True when the user exists and the password matches; compares digests in constant time. An
   * unknown user or a missing password costs the same hash (against a decoy), so the time of the
   * answer does not tell which users exist. The hash runs on Node's thread pool, not the event loop.
   */
  async verify(username: string, password: Buffer | undefined): Promise<boolean> {
    const known = this.users.get(username);
    const hash = known ?? this.decoy;
    this.hashes++;
    const digest = await derive(password ?? NO_PASSWORD, hash.salt, hash.digest.length, hash);
    const match = timingSafeEqual(digest, hash.digest);
    return match && known !== undefined && password !== undefined;
  }
}
