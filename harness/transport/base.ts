// Listener bookkeeping shared by the transports: data before a listener is attached is buffered,
// and the close notification is delivered exactly once.
import type { CloseInfo } from './types.js';

export class ConnectionEvents {
  private dataListeners: ((chunk: Buffer) => void)[] = [];
  private closeListeners: ((info: CloseInfo) => void)[] = [];
  private pending: Buffer[] = [];
  private closeInfo: CloseInfo | undefined;

  get closed(): boolean {
    return this.closeInfo !== undefined;
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListeners.push(listener);
    const pending = this.pending;
    this.pending = [];
    for (const chunk of pending) listener(chunk);
  }

  onClose(listener: (info: CloseInfo) => void): void {
    if (this.closeInfo) listener(this.closeInfo);
    else this.closeListeners.push(listener);
  }

  data(chunk: Buffer): void {
    if (this.dataListeners.length === 0) this.pending.push(chunk);
    for (const listener of this.dataListeners) listener(chunk);
  }

  close(info: CloseInfo): void {
    if (this.closeInfo) return;
    this.closeInfo = info;
    for (const listener of this.closeListeners) listener(info);
    this.closeListeners = [];
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

export function isReset(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}
