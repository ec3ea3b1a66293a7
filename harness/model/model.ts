// The broker model: given what the clients did so far, which observations a conforming broker may
// produce. The executor reports every action it ran and every packet and close each client saw;
// the model answers with the first disagreement (or none). It is non-deterministic where the
// specifications are: deliveries are required, allowed or forbidden; QoS 0 messages for a session
// whose client is away may be lost; a reply or delivery has `graceMs` to arrive; time-bound rules
// (will delay, expiry, keep alive) have `toleranceMs` either side.
import { parseSharedFilter, type Packet } from '../../wire/index.js';
import { statementsOf, type RuleName } from './rules.js';
import { newConnection, type ConnectionState, type SessionState } from './sessions.js';
import {
  FRESH_VIOLATIONS,
  type Action,
  type ClientName,
  type ConnectAction,
  type QoS,
  type Session,
} from './session.js';
import type { CheckHint, Disagreement, Forbidden, Message, ModelOptions } from './types.js';
import { observePublish } from './deliver.js';
import {
  attachSession,
  connectAction,
  onConnack,
  replyAfterViolation,
  violateAction,
} from './connect-flow.js';
import { deniedPublish, grantedQos, publishAction, routeMessage, subscribeAction } from './route.js';
import { connectionEnded, releaseWills } from './will.js';
import { awaitingReplies, checkDue, closedByServer, lastDue, pendingRequirements } from './due.js';

export { describe, USER_PROPERTIES, willPayload } from './words.js';

/** What the executor did for an action: the packet id it used (requests and QoS>0 publishes). */
export interface Sent {
  packetId?: number;
}

export class BrokerModel {
  readonly options: ModelOptions;
  readonly connections: Record<ClientName, ConnectionState>;
  readonly sessions = new Map<string, SessionState>();
  /** Per session key: messages it must not get, and the rule that says so. */
  readonly forbidden = new Map<string, Forbidden[]>();
  /** Topic → the values the retained store may hold (null: nothing). */
  readonly retained = new Map<string, Set<Message | null>>();
  /** Wills published with a delay, cancelled when their session is resumed in time. */
  readonly pendingWills: { client: ClientName; message: Message; sessionKey: string; delayed: boolean }[] =
    [];
  /** The last connect action of a client (set by the executor through `lastConnect`). */
  readonly lastConnect: Partial<Record<ClientName, ConnectAction>> = {};
  actionIndex = -1;
  /**
   * The Maximum QoS the server announced in a CONNACK (5.0; absent: 2), or the one it was started
   * with; undefined until then (a will at QoS 2 may then be accepted or refused).
   */
  maximumQos: QoS | undefined;
  /** When the last action was done (a found scenario's count window starts about there). */
  actedAt = 0;
  /** Zero-length client ids assigned so far (their session keys). */
  assignedCount = 0;

  constructor(session: Pick<Session, 'autoAck'>, options: ModelOptions) {
    this.options = options;
    this.maximumQos = options.maximumQos;
    this.connections = {
      a: newConnection('a', session.autoAck.a),
      b: newConnection('b', session.autoAck.b),
      c: newConnection('c', session.autoAck.c),
    };
  }

  get version(): ModelOptions['version'] {
    return this.options.version;
  }

  disagree(rule: RuleName, client: ClientName | undefined, message: string, check: CheckHint): Disagreement {
    return {
      rule,
      statements: statementsOf(rule, this.version),
      client,
      message,
      actionIndex: this.actionIndex,
      check,
    };
  }

  forbid(key: string, entry: Forbidden): void {
    const list = this.forbidden.get(key) ?? [];
    list.push(entry);
    this.forbidden.set(key, list);
  }

  /** Whether the executor runs this action in the current state (otherwise it is skipped). */
  applicable(action: Action): boolean {
    if (action.do === 'wait') return true;
    const conn = this.connections[action.client];
    if (conn.closeDue !== undefined) return false;
    switch (action.do) {
      case 'connect':
        if (action.emptyId === true && action.as !== undefined) return false;
        return !conn.open;
      case 'violate':
        return FRESH_VIOLATIONS.has(action.kind) ? !conn.open : conn.open && conn.attached;
      case 'subscribe':
        if (
          parseSharedFilter(action.filter) !== undefined &&
          (this.version !== '5.0' || action.noLocal === true)
        )
          return false;
        return conn.open && conn.attached;
      case 'publish':
        // The client must not publish above the server's Maximum QoS [MQTT-3.2.2-11].
        return conn.open && conn.attached && action.qos <= (this.maximumQos ?? 2);
      case 'unsubscribe':
      case 'disconnect':
      case 'drop':
        return conn.open && conn.attached;
    }
  }

  /** Records an action the executor has just sent. */
  act(index: number, action: Action, sent: Sent, now: number): void {
    this.actionIndex = index;
    this.actedAt = action.do === 'wait' ? now + action.ms : now;
    if (action.do === 'wait') return;
    const conn = this.connections[action.client];
    conn.lastSentAt = now;
    const due = now + this.options.graceMs;
    switch (action.do) {
      case 'connect':
        return connectAction(this, action, conn, now);
      case 'subscribe':
        conn.awaiting.push({
          type: 'suback',
          packetId: sent.packetId,
          rule: 'suback',
          dueAt: due,
          filters: [action.filter],
        });
        return subscribeAction(this, action, conn, now);
      case 'unsubscribe': {
        conn.awaiting.push({ type: 'unsuback', packetId: sent.packetId, rule: 'unsuback', dueAt: due });
        const session = this.sessionOf(conn);
        if (session?.subscriptions.delete(action.filter) === true) session.unsubscribed.add(action.filter);
        return;
      }
      case 'publish': {
        const denied = this.options.acl?.deniedTopics.includes(action.topic) === true;
        // 3.1.1: a denied PUBLISH is acknowledged positively or the connection is closed [MQTT-3.3.5-2];
        // 5.0: acknowledged (a Reason Code of 0x80 or more says it was refused) or closed.
        const v311Denied = denied && this.version === '3.1.1';
        if (denied) conn.mayClose = true;
        if (action.qos === 1)
          conn.awaiting.push({
            type: 'puback',
            packetId: sent.packetId,
            rule: v311Denied ? 'unauthorized-publish' : 'puback',
            dueAt: due,
          });
        if (action.qos === 2)
          for (let n = action.resend === true ? 2 : 1; n > 0; n--)
            conn.awaiting.push({
              type: 'pubrec',
              packetId: sent.packetId,
              rule: v311Denied ? 'unauthorized-publish' : 'pubrec',
              dueAt: due,
            });
        if (denied) return deniedPublish(this, index, action, conn);
        return publishAction(this, index, action, conn, now, sent.packetId);
      }
      case 'disconnect':
        return connectionEnded(this, conn, now, 'disconnect');
      case 'drop':
        return connectionEnded(this, conn, now, 'drop');
      case 'violate':
        return violateAction(this, action.kind, conn, now);
    }
  }

  sessionOf(conn: ConnectionState): SessionState | undefined {
    if (!conn.attached) return undefined;
    const session = this.sessions.get(conn.sessionKey);
    return session?.attached === conn.name ? session : undefined;
  }

  flowLimited(conn: ConnectionState): boolean {
    return !conn.autoAck;
  }

  /** Whether a message has expired by `now`: yes, no, or too close to tell. */
  expiredAt(message: Message, now: number): 'yes' | 'no' | 'maybe' {
    if (message.expiry === undefined) return 'no';
    const end = message.at + message.expiry * 1000;
    if (now > end + this.options.toleranceMs) return 'yes';
    if (now < end - this.options.toleranceMs) return 'no';
    return 'maybe';
  }

  /** A packet a client received. */
  onPacket(client: ClientName, packet: Packet, rawSize: number, now: number): Disagreement | undefined {
    const conn = this.connections[client];
    releaseWills(this, now);
    // The client ended this connection (DISCONNECT): what the server sent before it read that
    // arrives late and belongs to no connection the model follows.
    if (!conn.open) return undefined;
    if (packet.type === 'publish') return observePublish(this, conn, packet, rawSize, now);
    if (packet.type === 'pubrel' || packet.type === 'pingresp') return undefined;
    // A refusal of a broken CONNECT may come in either layout, or not at all before the close.
    if (packet.type === 'connack' && conn.mayClose && !conn.awaiting.some((a) => a.type === 'connack'))
      return replyAfterViolation(this, conn, packet);
    if (packet.type === 'disconnect') {
      conn.mayClose = true;
      return undefined;
    }
    const index = conn.awaiting.findIndex(
      (a) =>
        a.type === packet.type &&
        (a.packetId === undefined || a.packetId === ('packetId' in packet ? packet.packetId : undefined)),
    );
    const awaiting = conn.awaiting[index];
    if (awaiting === undefined) {
      const violation = replyAfterViolation(this, conn, packet);
      if (violation !== undefined) return violation;
      const rule = RULE_OF_REPLY[packet.type];
      if (rule === undefined) return undefined;
      return this.disagree(
        rule,
        client,
        `unexpected ${packet.type}${'packetId' in packet ? ` with packet id ${packet.packetId}` : ''}`,
        {
          kind: 'reply',
          client,
        },
      );
    }
    conn.awaiting.splice(index, 1);
    if (packet.type === 'connack') return onConnack(this, conn, awaiting, packet, now);
    if (packet.type === 'suback') {
      const maximum = this.maximumQos ?? 2;
      const above = packet.reasonCodes.find((code) => code < 0x80 && code > maximum);
      if (above !== undefined)
        return this.disagree(
          'maximum-qos-granted',
          client,
          `SUBACK grants QoS ${above}, above the Maximum QoS ${maximum} of the CONNACK`,
          { kind: 'suback', client, maximumQos: maximum },
        );
      grantedQos(this, conn, awaiting.filters ?? [], packet.reasonCodes);
      return undefined;
    }
    if (packet.type === 'pubrec' && (packet.reasonCode ?? 0) >= 0x80) {
      // Refused: the flow ends here, the Packet Identifier is free again [MQTT-4.3.3-9].
      conn.refusedIds.add(packet.packetId);
      return undefined;
    }
    if (
      packet.type === 'pubrec' &&
      !conn.awaiting.some((a) => a.type === 'pubcomp' && a.packetId === packet.packetId)
    ) {
      conn.awaiting.push({
        type: 'pubcomp',
        packetId: packet.packetId,
        rule: 'pubcomp',
        dueAt: now + this.options.graceMs,
      });
    }
    return undefined;
  }

  /** The session the CONNACK gave the connection. */
  attach(conn: ConnectionState, action: ConnectAction | undefined, now: number): void {
    attachSession(this, conn, action, now);
  }

  /** Routes a message to every session with a matching subscription, and to the retained store. */
  route(message: Message, now: number): void {
    routeMessage(this, message, now);
  }

  /** The server closed (or reset) a client's connection. */
  onClosed(client: ClientName, now: number): Disagreement | undefined {
    return closedByServer(this, client, now);
  }

  /** Whether some reply is still awaited (the executor waits for replies before the next action). */
  awaitingReplies(): boolean {
    return awaitingReplies(this);
  }

  /** Whether a reply, a close or a delivery is still required. */
  pendingRequirements(): boolean {
    return pendingRequirements(this);
  }

  /** The latest time something is due (the executor waits until then at the end). */
  lastDue(): number | undefined {
    return lastDue(this);
  }

  /** Everything due by `now` that did not happen. */
  check(now: number): Disagreement | undefined {
    return checkDue(this, now);
  }
}

const RULE_OF_REPLY: Partial<Record<Packet['type'], RuleName>> = {
  suback: 'suback',
  unsuback: 'unsuback',
  puback: 'puback',
  pubrec: 'pubrec',
  pubcomp: 'pubcomp',
  connack: 'second-connect',
};
