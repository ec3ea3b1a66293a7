// Errors of the auth files, with stable codes (documented in docs/broker.md).
export type AuthFileErrorCode = 'PASSWORD_FILE_INVALID' | 'ACL_FILE_INVALID';

export class AuthFileError extends Error {
  override readonly name = 'AuthFileError';
  constructor(
    readonly code: AuthFileErrorCode,
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${message}`);
  }
}
