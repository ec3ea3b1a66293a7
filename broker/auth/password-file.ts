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

export class PasswordFile {
  private constructor(private readonly users: ReadonlyMap<string, PasswordHash>) {}

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

  /** True when the user exists and the password matches; compares digests in constant time. */
  async verify(username: string, password: Buffer | undefined): Promise<boolean> {
    const hash = this.users.get(username);
    if (hash === undefined || password === undefined) return false;
    const digest = await derive(password, hash.salt, hash.digest.length, hash);
    return timingSafeEqual(digest, hash.digest);
  }
}
