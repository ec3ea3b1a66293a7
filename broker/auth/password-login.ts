// Logins against the password file: the authenticate hook built from it. Every attempt with a user
// name costs one scrypt hash, whether the user exists or not and whatever the password (no user
// enumeration by response time). Hashes run asynchronously on Node's thread pool, scheduled by the
// LoginGate so that failing sources cannot starve the others. A successful login is remembered for
// `cacheSeconds` as an HMAC of the password under a key that lives in this process only: the same
// credentials again are accepted without a hash; anything else goes the slow way.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthenticateRequest } from '../options.js';
import { LoginGate, THROTTLED, type LoginGateOptions } from './login-gate.js';
import type { PasswordFile } from './password-file.js';

export interface PasswordLoginOptions {
  /** Clients without a user name are let in (default false). */
  allowAnonymous?: boolean;
  /** How long a successful login is remembered; 0 turns the cache off. Default 300. */
  cacheSeconds?: number;
  /** Most users remembered at once (oldest forgotten first). Default 10 000. */
  cacheEntries?: number;
  gate?: LoginGateOptions;
}

interface Remembered {
  mac: Buffer;
  expiresAt: number;
}

export class PasswordLogin {
  readonly gate: LoginGate;
  private readonly key = randomBytes(32);
  private readonly remembered = new Map<string, Remembered>();
  private readonly allowAnonymous: boolean;
  private readonly cacheMs: number;
  private readonly cacheEntries: number;

  constructor(
    private readonly passwords: PasswordFile,
    options: PasswordLoginOptions = {},
  ) {
    this.allowAnonymous = options.allowAnonymous ?? false;
    this.cacheMs = (options.cacheSeconds ?? 300) * 1000;
    this.cacheEntries = options.cacheEntries ?? 10_000;
    this.gate = new LoginGate(options.gate);
  }

  authenticate(request: AuthenticateRequest): boolean | Promise<boolean> {
    const { username, password, remoteAddress } = request;
    if (username === undefined) return this.allowAnonymous;
    if (password !== undefined && this.recall(username, password)) return true;
    return this.gate
      .run(remoteAddress, () => this.passwords.verify(username, password))
      .then((result) => {
        if (result === true) {
          this.remember(username, password);
          return true;
        }
        if (result !== THROTTLED) this.gate.recordFailure(remoteAddress);
        return false;
      });
  }

  private mac(username: string, password: Buffer): Buffer {
    return createHmac('sha256', this.key).update(username).update('\u0000').update(password).digest();
  }

  private recall(username: string, password: Buffer): boolean {
    const entry = this.remembered.get(username);
    if (entry === undefined) return false;
    if (entry.expiresAt <= Date.now()) {
      this.remembered.delete(username);
      return false;
    }
    return timingSafeEqual(entry.mac, this.mac(username, password));
  }

  private remember(username: string, password: Buffer | undefined): void {
    if (this.cacheMs <= 0 || password === undefined) return;
    this.remembered.delete(username);
    this.remembered.set(username, {
      mac: this.mac(username, password),
      expiresAt: Date.now() + this.cacheMs,
    });
    if (this.remembered.size > this.cacheEntries) {
      const oldest = this.remembered.keys().next();
      if (oldest.done !== true) this.remembered.delete(oldest.value);
    }
  }
}
