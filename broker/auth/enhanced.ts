// Enhanced authentication (MQTT 5 AUTH, section 4.12): a method is a named factory of exchanges; an
// exchange takes each piece of Authentication Data the client sends and answers with data to send
// back (AUTH 0x18 Continue authentication), success (with optional final data) or failure.

export type AuthStep =
  | { kind: 'continue'; data: Buffer }
  | { kind: 'success'; username: string; data?: Buffer }
  | { kind: 'failure'; reason: string };

export interface AuthExchange {
  step(data: Buffer | undefined): AuthStep;
}

export interface EnhancedAuthMethod {
  /** The Authentication Method property value, e.g. 'SCRAM-SHA-256'. */
  readonly name: string;
  start(): AuthExchange;
}
