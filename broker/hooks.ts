// User hooks (authentication, authorization) called safely: a hook that throws or rejects denies
// the request and is logged; it never takes the broker down.
import type { AuthenticateRequest, ClientIdentity, ResolvedBrokerOptions } from './options.js';

export class Hooks {
  constructor(private readonly options: ResolvedBrokerOptions) {}

  async authenticate(request: AuthenticateRequest): Promise<boolean> {
    const hook = this.options.authenticate;
    if (hook === undefined) return true;
    try {
      return (await hook(request)) === true;
    } catch (error) {
      this.options.log('error', 'authenticate hook failed', {
        clientId: request.clientId,
        error: String(error),
      });
      return false;
    }
  }

  get hasAuthenticate(): boolean {
    return this.options.authenticate !== undefined;
  }

  authorizePublish(client: ClientIdentity, topic: string): boolean {
    const hook = this.options.authorizePublish;
    if (hook === undefined) return true;
    try {
      return hook(client, topic) === true;
    } catch (error) {
      this.options.log('error', 'authorizePublish hook failed', {
        clientId: client.clientId,
        error: String(error),
      });
      return false;
    }
  }

  /** True without a hook: the hot path of every delivery pays nothing then. */
  authorizeRead(client: ClientIdentity, topic: string): boolean {
    const hook = this.options.authorizeRead;
    if (hook === undefined) return true;
    try {
      return hook(client, topic) === true;
    } catch (error) {
      this.options.log('error', 'authorizeRead hook failed', {
        clientId: client.clientId,
        error: String(error),
      });
      return false;
    }
  }

  authorizeSubscribe(client: ClientIdentity, topicFilter: string): boolean {
    const hook = this.options.authorizeSubscribe;
    if (hook === undefined) return true;
    try {
      return hook(client, topicFilter) === true;
    } catch (error) {
      this.options.log('error', 'authorizeSubscribe hook failed', {
        clientId: client.clientId,
        error: String(error),
      });
      return false;
    }
  }
}
