// Retained message store: one message per topic name. Retained messages are not session state and
// outlive every session [MQTT-3.1.2-7].
import { topicMatches } from '../wire/index.js';
import type { Message } from './session/message.js';

export class RetainedStore {
  private readonly messages = new Map<string, Message>();

  get size(): number {
    return this.messages.size;
  }

  /** Stores or replaces the message of its topic [MQTT-3.3.1-5]. */
  set(message: Message): void {
    this.messages.set(message.topic, message);
  }

  delete(topic: string): boolean {
    return this.messages.delete(topic);
  }

  /** Retained messages matching a filter, dropping the expired ones on the way [MQTT-3.3.2-5]. */
  match(filter: string, now: number, options: { dollarRule: boolean; honourExpiry: boolean }): Message[] {
    const found: Message[] = [];
    for (const [topic, message] of this.messages) {
      if (options.honourExpiry && message.expiresAt !== undefined && message.expiresAt <= now) {
        this.messages.delete(topic);
        continue;
      }
      if (topicMatches(filter, topic, options)) found.push(message);
    }
    return found;
  }

  clear(): void {
    this.messages.clear();
  }
}
