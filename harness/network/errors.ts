// Stable error codes of the network module (documented in docs/network.md).
export type NetworkErrorCode =
  | 'PROFILE_NOT_FOUND'
  | 'PROFILE_INVALID'
  | 'PROXY_LISTEN_FAILED'
  | 'KERNEL_UNAVAILABLE'
  | 'KERNEL_SETUP_FAILED';

export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(
    readonly code: NetworkErrorCode,
    message: string,
    /** file:line messages, one per problem (PROFILE_INVALID). */
    readonly details: readonly string[] = [],
  ) {
    super(details.length > 0 ? `${message}\n  ${details.join('\n  ')}` : message);
  }
}
