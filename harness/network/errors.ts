// Errors of the network module. `reason` is the module's finer code (documented in
// docs/network.md); `code` is the harness catalogue code it belongs to (docs/errors.md).
import { HarnessError, type HarnessErrorCode } from '../errors.js';

export type NetworkErrorCode =
  | 'PROFILE_NOT_FOUND'
  | 'PROFILE_INVALID'
  | 'PROXY_LISTEN_FAILED'
  | 'KERNEL_UNAVAILABLE'
  | 'KERNEL_SETUP_FAILED';

const CATALOGUE: Record<NetworkErrorCode, HarnessErrorCode> = {
  PROFILE_NOT_FOUND: 'HARNESS_PROFILE_NOT_FOUND',
  PROFILE_INVALID: 'HARNESS_PROFILE_INVALID',
  PROXY_LISTEN_FAILED: 'HARNESS_NETWORK_FAILED',
  KERNEL_UNAVAILABLE: 'HARNESS_NETWORK_FAILED',
  KERNEL_SETUP_FAILED: 'HARNESS_NETWORK_FAILED',
};

export class NetworkError extends HarnessError {
  constructor(
    readonly reason: NetworkErrorCode,
    message: string,
    /** file:line messages, one per problem (PROFILE_INVALID). */
    readonly details: readonly string[] = [],
  ) {
    super(CATALOGUE[reason], details.length > 0 ? `${message}\n  ${details.join('\n  ')}` : message);
    this.name = 'NetworkError';
  }
}
