// The broker model: what a broker may do, observable from its clients (see docs/explore.md).
export { BrokerModel, type Sent } from './model.js';
export { RULES, statementsOf, type Rule, type RuleName } from './rules.js';
export * from './session.js';
export type { AclModel, CheckHint, Delivery, Disagreement, Message, ModelOptions } from './types.js';
export * from './model.js';
export * from './rules.js';
export * from './types.js';
