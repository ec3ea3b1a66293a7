// User hooks (authentication, authorization) called safely: a hook that throws or rejects denies
// the request and is logged; it never takes the broker down.
import type { AuthenticateRequest, ClientIdentity, ResolvedBrokerOptions } from './options.js';

type Check = ((client: ClientIdentity, subject: string) => boolean) | undefined;

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
    return this.check('authorizePublish', this.options.authorizePublish, client, topic);
  }

  authorizeSubscribe(client: ClientIdentity, topicFilter: string): boolean {
    return this.check('authorizeSubscribe', this.options.authorizeSubscribe, client, topicFilter);
  }

  /** Asked for every delivery; true without a hook, so the hot path pays nothing then. */
  authorizeRead(client: ClientIdentity, topic: string): boolean {
    return this.check('authorizeRead', this.options.authorizeRead, client, topic);
  }

  /** No hook allows; a hook allows with `true` only; one that throws denies (and is logged). */
  private check(name: string, hook: Check, client: ClientIdentity, subject: string): boolean {
    if (hook === undefined) return true;
    try {
      return hook(client, subject) === true;
    } catch (error) {
      this.options.log('error', `${name} hook failed`, { clientId: client.clientId, error: String(error) });
      return false;
    }
  }
}
