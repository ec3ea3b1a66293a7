// Auth from files: the password file becomes BrokerOptions.authenticate, the ACL file becomes
// authorizePublish / authorizeSubscribe. Both are optional and independent.
import { AclFile } from './acl-file.js';
import { PasswordFile } from './password-file.js';
import { PasswordLogin } from './password-login.js';
import type { AuthenticateRequest } from '../options.js';

export { AclFile, type Access, type AclRule, type AclClient } from './acl-file.js';
export {
  PasswordFile,
  createPasswordEntry,
  hashPassword,
  DEFAULT_SCRYPT,
  type ScryptParameters,
} from './password-file.js';
export { AuthFileError, type AuthFileErrorCode } from './errors.js';
export { PasswordLogin, type PasswordLoginOptions } from './password-login.js';
export type { AuthExchange, AuthStep, EnhancedAuthMethod } from './enhanced.js';
export {
  scramSha256,
  scramCredential,
  SCRAM_SHA_256,
  DEFAULT_SCRAM_ITERATIONS,
  type ScramCredential,
} from './scram.js';
export { LoginGate, THROTTLED, type LoginGateOptions } from './login-gate.js';
export { patternCoversFilter, patternMatchesTopic } from './topic-patterns.js';

export interface FileAuthOptions {
  passwordFile?: string;
  aclFile?: string;
  /** Let clients without a username in (only when a password file is set; default false then). */
  allowAnonymous?: boolean;
  /** How long a successful login is remembered (same credentials, no new hash); 0 = off. Default 300. */
  loginCacheSeconds?: number;
}

export interface AuthHooks {
  authenticate?: (req: AuthenticateRequest) => boolean | Promise<boolean>;
  authorizePublish?: (client: { clientId: string; username?: string }, topic: string) => boolean;
  authorizeSubscribe?: (client: { clientId: string; username?: string }, topicFilter: string) => boolean;
  authorizeRead?: (client: { clientId: string; username?: string }, topic: string) => boolean;
}

export async function loadFileAuth(options: FileAuthOptions): Promise<AuthHooks> {
  const hooks: AuthHooks = {};
  if (options.passwordFile !== undefined) {
    const login = new PasswordLogin(await PasswordFile.load(options.passwordFile), {
      allowAnonymous: options.allowAnonymous ?? false,
      ...(options.loginCacheSeconds === undefined ? {} : { cacheSeconds: options.loginCacheSeconds }),
    });
    hooks.authenticate = (req) => login.authenticate(req);
  }
  if (options.aclFile !== undefined) {
    const acl = await AclFile.load(options.aclFile);
    hooks.authorizePublish = (client, topic) => acl.canPublish(client, topic);
    hooks.authorizeSubscribe = (client, filter) => acl.canSubscribe(client, filter);
    hooks.authorizeRead = (client, topic) => acl.canRead(client, topic);
  }
  return hooks;
}
