// Broker counters, read by the $SYS publisher and by tests. Plain mutable numbers: the broker owns them.

export interface BrokerStats {
  /** Connections that completed CONNECT and are still open. */
  clientsConnected: number;
  /** Connections accepted (CONNACK 0x00) since start. */
  clientsTotal: number;
  /** PUBLISH packets received from clients. */
  messagesReceived: number;
  /** PUBLISH packets sent to clients. */
  messagesSent: number;
  bytesReceived: number;
  bytesSent: number;
  /** Subscriptions currently stored (all sessions). */
  subscriptions: number;
  retainedCount: number;
  /** Messages not delivered because of a bound (queue full, slow socket, packet too large for the client, expired). */
  messagesDropped: number;
  /** Of those, QoS 1/2 messages for an offline session whose queue was full (maxQueuedMessages). */
  messagesDroppedOffline: number;
  /** Client connections whose PUBLISH packets wait now because a subscriber they feed is over its bound. */
  publishersHeld: number;
  /** Subscribers closed because they made no progress while publishers waited for them. */
  slowSubscribersDisconnected: number;
  /** Outbound QoS 1/2 messages awaiting acknowledgement (all sessions). */
  inflight: number;
  /** Epoch milliseconds of broker creation. */
  startedAt: number;
}

export function createStats(now: number): BrokerStats {
  return {
    clientsConnected: 0,
    clientsTotal: 0,
    messagesReceived: 0,
    messagesSent: 0,
    bytesReceived: 0,
    bytesSent: 0,
    subscriptions: 0,
    retainedCount: 0,
    messagesDropped: 0,
    messagesDroppedOffline: 0,
    publishersHeld: 0,
    slowSubscribersDisconnected: 0,
    inflight: 0,
    startedAt: now,
  };
}
