// `reconnect`: like `connect` (same keys), always on a new connection (the old one is left as it is).
import { connectStep } from './connect.js';

export const reconnect = connectStep(true);
