// Where `harness record` forwards to: `HOST:PORT` (TCP) or a `ws://` / `wss://` URL (WebSocket; the
// recorder then listens for WebSocket clients too).
import { HarnessError } from '../errors.js';

export type Upstream =
  | { transport: 'tcp'; host: string; port: number; text: string }
  | { transport: 'ws'; url: string; text: string };

export function parseUpstream(text: string): Upstream {
  if (/^wss?:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      if (url.port === '' && url.protocol === 'ws:') url.port = '80';
      return { transport: 'ws', url: url.toString(), text };
    } catch {
      throw new HarnessError('HARNESS_USAGE', `--upstream: not a valid URL: '${text}'`);
    }
  }
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
  const port = Number(match?.[2]);
  if (match === null || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new HarnessError('HARNESS_USAGE', `--upstream needs HOST:PORT or a ws:// URL, got '${text}'`);
  }
  return { transport: 'tcp', host: match[1]!.replace(/^\[|\]$/g, ''), port, text };
}
