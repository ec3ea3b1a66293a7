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

  /** Topics of the retained messages matching a filter, dropping the expired ones on the way [MQTT-3.3.2-5]. */
  matchTopics(
    filter: string,
    now: number,
    options: { dollarRule: boolean; honourExpiry: boolean },
  ): string[] {
    const found: string[] = [];
    for (const [topic, message] of this.messages) {
      if (options.honourExpiry && expired(message, now)) {
        this.messages.delete(topic);
        continue;
      }
      if (topicMatches(filter, topic, options)) found.push(topic);
    }
    return found;
  }

  /** The retained message of a topic now, unless it expired (then it is deleted). */
  get(topic: string, now: number, honourExpiry: boolean): Message | undefined {
    const message = this.messages.get(topic);
    if (message !== undefined && honourExpiry && expired(message, now)) {
      this.messages.delete(topic);
      return undefined;
    }
    return message;
  }

  clear(): void {
    this.messages.clear();
  }
}

function expired(message: Message, now: number): boolean {
  return message.expiresAt !== undefined && message.expiresAt <= now;
}
