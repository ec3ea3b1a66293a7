export { Router } from './router.js';
export type { RouteOptions } from './router.js';
export { TopicTree, SharedGroup } from './topic-tree.js';
export { splitSharedFilter } from './subscription.js';
export type { Subscription, Delivery } from './subscription.js';
