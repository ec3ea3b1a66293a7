// The broker model: given what the clients did so far, which observations a conforming broker may
// produce. The executor reports every action it ran and every packet and close each client saw;
// the model answers with the first disagreement (or none). It is non-deterministic where the
// specifications are: deliveries are required, allowed or forbidden; QoS 0 messages for a session
// whose client is away may be lost; a reply or delivery has `graceMs` to arrive; time-bound rules
// (will delay, expiry, keep alive) have `toleranceMs` either side.
import { topicMatches, parseSharedFilter, type Packet } from '../../wire/index.js';
import { statementsOf, type RuleName } from './rules.js';
import {
  newConnection,
  newSession,
  type Awaiting,
  type ConnectionState,
  type SessionState,
  type Subscription,
} from './sessions.js';
import {
  CLIENT_NAMES,
  FRESH_VIOLATIONS,
  publishPayload,
  type Action,
  type ClientName,
  type ConnectAction,
  type PublishAction,
  type QoS,
  type Session,
  type SubscribeAction,
} from './session.js';
import type { CheckHint, Delivery, Disagreement, Forbidden, Message, ModelOptions } from './types.js';
import { observePublish } from './deliver.js';
import { describe, USER_PROPERTIES, willPayload } from './words.js';

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
  /** Shared groups: key → member session keys (maintained on subscribe). */
  actionIndex = -1;
  private assignedCount = 0;

  constructor(session: Pick<Session, 'autoAck'>, options: ModelOptions) {
    this.options = options;
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
        if (action.kind === 'first-not-connect') return !conn.everOpened;
        return FRESH_VIOLATIONS.has(action.kind) ? !conn.open : conn.open && conn.attached;
      case 'subscribe':
        if (
          parseSharedFilter(action.filter) !== undefined &&
          (this.version !== '5.0' || action.noLocal === true)
        )
          return false;
        return conn.open && conn.attached;
      case 'unsubscribe':
      case 'publish':
      case 'disconnect':
      case 'drop':
        return conn.open && conn.attached;
    }
  }

  /** Records an action the executor has just sent. */
  act(index: number, action: Action, sent: Sent, now: number): void {
    this.actionIndex = index;
    if (action.do === 'wait') return;
    const conn = this.connections[action.client];
    conn.lastSentAt = now;
    const due = now + this.options.graceMs;
    switch (action.do) {
      case 'connect':
        return this.connect(action, conn, now);
      case 'subscribe':
        conn.awaiting.push({
          type: 'suback',
          packetId: sent.packetId,
          rule: 'suback',
          dueAt: due,
          filters: [action.filter],
        });
        return this.subscribe(action, conn, now);
      case 'unsubscribe': {
        conn.awaiting.push({ type: 'unsuback', packetId: sent.packetId, rule: 'unsuback', dueAt: due });
        const session = this.sessionOf(conn);
        if (session?.subscriptions.delete(action.filter) === true) session.unsubscribed.add(action.filter);
        return;
      }
      case 'publish':
        if (action.qos === 1)
          conn.awaiting.push({ type: 'puback', packetId: sent.packetId, rule: 'puback', dueAt: due });
        if (action.qos === 2)
          for (let n = action.resend === true ? 2 : 1; n > 0; n--)
            conn.awaiting.push({ type: 'pubrec', packetId: sent.packetId, rule: 'pubrec', dueAt: due });
        return this.publish(index, action, conn, now);
      case 'disconnect':
        return this.connectionEnded(conn, now, 'disconnect');
      case 'drop':
        return this.connectionEnded(conn, now, 'drop');
      case 'violate':
        return this.violate(action.kind, conn, now);
    }
  }

  sessionOf(conn: ConnectionState): SessionState | undefined {
    if (!conn.attached) return undefined;
    const session = this.sessions.get(conn.sessionKey);
    return session?.attached === conn.name ? session : undefined;
  }

  private violate(
    kind: Action & { do: 'violate' } extends { kind: infer K } ? K : never,
    conn: ConnectionState,
    now: number,
  ): void {
    const rules: Record<typeof kind, RuleName> = {
      'second-connect': 'second-connect',
      qos3: 'qos3-publish',
      'wildcard-topic': 'wildcard-publish-topic',
      'ill-formed-utf8': 'ill-formed-utf8',
      'reserved-flag': 'reserved-connect-flag',
      'protocol-level': 'protocol-level',
      'first-not-connect': 'first-packet-connect',
    };
    const rule = rules[kind];
    if (FRESH_VIOLATIONS.has(kind)) {
      conn.open = true;
      conn.everOpened = true;
      conn.attached = false;
      conn.awaiting = [];
      conn.inflight = new Map();
      conn.keepAlive = 0;
    }
    conn.mayClose = true;
    conn.closeDue = { rule, at: now + this.options.graceMs, check: { kind: 'closed', client: conn.name } };
    if (kind === 'protocol-level' && this.version === '3.1.1') {
      // 3.1.1 requires the refusal CONNACK 0x01 before the close.
      conn.awaiting.push({
        type: 'connack',
        packetId: undefined,
        rule,
        dueAt: now + this.options.graceMs,
        connack: { reasonCodes: [1, 0x84], sessionPresent: false, closeAfterRefusal: true, assigned: false },
      });
    }
  }

  private connect(action: ConnectAction, conn: ConnectionState, now: number): void {
    const v5 = this.version === '5.0';
    this.lastConnect[action.client] = action;
    conn.open = true;
    conn.everOpened = true;
    conn.attached = false;
    conn.takenOver = false;
    conn.mayClose = false;
    conn.closeDue = undefined;
    conn.awaiting = [];
    conn.inflight = new Map();
    conn.aliases = new Map();
    conn.keepAlive = action.keepAlive ?? 0;
    conn.will = action.will;
    conn.willPayload = willPayload(action.client, this.actionIndex);
    conn.receiveMaximum = v5 ? (action.receiveMaximum ?? 65535) : 65535;
    conn.maximumPacketSize = v5 ? action.maximumPacketSize : undefined;
    const due = now + this.options.graceMs;
    if (action.emptyId === true) {
      if (!v5 && !action.clean) {
        conn.awaiting.push({
          type: 'connack',
          packetId: undefined,
          rule: 'empty-client-id-persistent',
          dueAt: due,
          connack: { reasonCodes: [2], sessionPresent: false, closeAfterRefusal: true, assigned: false },
        });
        conn.closeDue = {
          rule: 'empty-client-id-persistent',
          at: due,
          check: { kind: 'connack', client: conn.name, reasonCode: 2 },
        };
        return;
      }
      conn.sessionKey = `assigned-${this.assignedCount++}`;
      conn.awaiting.push({
        type: 'connack',
        packetId: undefined,
        rule: v5 ? 'assigned-client-id' : 'connect-accepted',
        dueAt: due,
        // 3.1.1 may refuse a zero-length id (0x02) even with clean session 1.
        connack: {
          reasonCodes: v5 ? [0] : [0, 2],
          sessionPresent: false,
          closeAfterRefusal: true,
          assigned: v5,
        },
      });
      return;
    }
    conn.sessionKey = action.as ?? action.client;
    const existing = this.sessions.get(conn.sessionKey);
    // Takeover: another open connection holds this client id.
    let takeoverOfTransient = false;
    for (const other of CLIENT_NAMES) {
      const o = this.connections[other];
      if (other === conn.name || !o.open || o.sessionKey !== conn.sessionKey || o.closeDue !== undefined)
        continue;
      if (!o.attached && o.awaiting.some((a) => a.type === 'connack')) {
        o.mayClose = true; // its own CONNACK may or may not have come first
        o.takenOver = true;
        continue;
      }
      o.closeDue = { rule: 'session-takeover', at: due, check: { kind: 'closed', client: other } };
      o.takenOver = true;
      o.mayClose = true;
      if (existing !== undefined && !existing.persistent) takeoverOfTransient = true;
    }
    let sessionPresent: boolean | undefined;
    if (action.clean) {
      sessionPresent = false;
      if (existing !== undefined) this.discard(existing, 'clean-session');
    } else {
      sessionPresent = existing !== undefined && (existing.persistent || existing.attached !== undefined);
      if (takeoverOfTransient) sessionPresent = undefined;
    }
    conn.awaiting.push({
      type: 'connack',
      packetId: undefined,
      rule: 'connect-accepted',
      dueAt: due,
      connack: { reasonCodes: [0], sessionPresent, closeAfterRefusal: false, assigned: false },
    });
  }

  /** The session the CONNACK gave the connection. */
  attach(conn: ConnectionState, action: ConnectAction | undefined, now: number): void {
    conn.attached = true;
    const v5 = this.version === '5.0';
    const clean = action?.clean ?? true;
    const persistent = v5 ? (action?.sessionExpiry ?? 0) > 0 : !clean;
    let session = this.sessions.get(conn.sessionKey);
    if (session === undefined || clean) {
      session = newSession(conn.sessionKey, persistent);
      this.sessions.set(conn.sessionKey, session);
    }
    session.persistent = persistent;
    session.attached = conn.name;
    // A resumed session: queued messages and unacknowledged ones are now due.
    for (const delivery of session.deliveries) {
      if (delivery.copies.length >= delivery.maxCopies && delivery.unacked === undefined) continue;
      const expired = this.expiredAt(delivery.message, now);
      if (expired === 'yes') continue;
      if (delivery.unacked !== undefined) {
        delivery.dup = delivery.message.qos === 0 ? 'no' : 'yes';
        delivery.packetId = delivery.unacked.packetId;
        delivery.copies = [];
        delivery.dueAt = expired === 'no' && !this.flowLimited(conn) ? now + this.options.graceMs : undefined;
        delivery.missingRule = 'dup-on-redelivery';
        continue;
      }
      const qos = delivery.qosMax;
      if (qos > 0 && delivery.copies.length === 0 && delivery.dueAt === undefined && delivery.kind !== 'will')
        delivery.dueAt = expired === 'no' && !this.flowLimited(conn) ? now + this.options.graceMs : undefined;
    }
  }

  private flowLimited(conn: ConnectionState): boolean {
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

  private discard(session: SessionState, rule: RuleName): void {
    for (const delivery of session.deliveries) {
      if (delivery.copies.length < delivery.maxCopies || delivery.unacked !== undefined)
        this.forbid(session.key, { topic: delivery.message.topic, payload: delivery.message.payload, rule });
    }
    this.sessions.delete(session.key);
  }

  private subscribe(action: SubscribeAction, conn: ConnectionState, now: number): void {
    const session = this.sessionOf(conn);
    if (session === undefined) return;
    const existed = session.subscriptions.has(action.filter);
    const v5 = this.version === '5.0';
    const subscription: Subscription = {
      filter: action.filter,
      qos: action.qos,
      noLocal: v5 && action.noLocal === true,
      retainAsPublished: v5 && action.retainAsPublished === true,
      subscriptionId: v5 ? action.subscriptionId : undefined,
      shared: parseSharedFilter(action.filter),
    };
    session.subscriptions.set(action.filter, subscription);
    session.unsubscribed.delete(action.filter);
    if (subscription.shared !== undefined) return; // no retained messages on shared subscriptions
    const handling = v5 ? (action.retainHandling ?? 0) : 0;
    for (const [topic, values] of this.retained) {
      if (!topicMatches(action.filter, topic)) continue;
      for (const value of values) {
        if (value === null) continue;
        if (handling === 2 || (handling === 1 && existed)) {
          this.forbid(session.key, { topic, payload: value.payload, rule: 'retain-handling' });
          continue;
        }
        const qos = Math.min(value.qos, action.qos);
        const expired = this.expiredAt(value, now);
        if (expired === 'yes') {
          this.forbid(session.key, { topic, payload: value.payload, rule: 'message-expiry' });
          continue;
        }
        session.deliveries.push({
          message: value,
          kind: 'retained',
          qosAllowed: new Set([qos]),
          qosMax: qos,
          retainAllowed: new Set([true]),
          subscriptionIds: subscription.subscriptionId !== undefined ? [subscription.subscriptionId] : [],
          maxCopies: 1,
          copies: [],
          // Only a certain, unexpired retained value must come; the SUBACK's granted QoS may lower it.
          dueAt:
            values.size === 1 && expired === 'no' && (qos === 0 || !this.flowLimited(conn))
              ? now + this.options.graceMs
              : undefined,
          missingRule: 'retained-on-subscribe',
          dup: 'no',
        });
      }
    }
  }

  /** The granted QoS from a SUBACK (a lower grant is legal; a failure code removes the subscription). */
  granted(conn: ConnectionState, filters: readonly string[], codes: readonly number[]): void {
    const session = this.sessionOf(conn);
    if (session === undefined) return;
    filters.forEach((filter, i) => {
      const code = codes[i];
      const subscription = session.subscriptions.get(filter);
      if (code === undefined || subscription === undefined) return;
      if (code >= 0x80) {
        session.subscriptions.delete(filter);
        for (const d of session.deliveries)
          if (d.kind === 'retained' && d.copies.length === 0 && topicMatches(filter, d.message.topic))
            d.dueAt = undefined;
        return;
      }
      if (code < subscription.qos) {
        subscription.qos = code as QoS;
        for (const d of session.deliveries) {
          if (d.kind !== 'retained' || d.copies.length > 0 || !topicMatches(filter, d.message.topic))
            continue;
          const qos = Math.min(d.message.qos, code);
          d.qosAllowed = new Set([qos]);
          d.qosMax = qos;
        }
      }
    });
  }

  private publish(index: number, action: PublishAction, conn: ConnectionState, now: number): void {
    const payload = publishPayload(index, action);
    const v5 = this.version === '5.0';
    const message: Message = {
      payload,
      topic: action.topic,
      qos: action.qos,
      retain: action.retain,
      publisher: conn.sessionKey,
      at: now,
      ...(v5 && action.expiry !== undefined && { expiry: action.expiry }),
      ...(v5 && action.userProperties === true && { userProperties: USER_PROPERTIES }),
      size: publishSize(action.topic, payload.length, action.qos),
      resent: action.qos === 2 && action.resend === true,
      will: false,
    };
    this.route(message, now);
  }

  /** Routes a message to every session with a matching subscription, and to the retained store. */
  route(message: Message, now: number): void {
    const v5 = this.version === '5.0';
    const groups = new Map<string, { copy: Delivery['group'] & object; members: string[] }>();
    for (const session of this.sessions.values()) {
      const matching: Subscription[] = [];
      let noLocal = false;
      let dollar = false;
      for (const subscription of session.subscriptions.values()) {
        if (!topicMatches(subscription.filter, message.topic)) {
          if (topicMatches(subscription.filter, message.topic, { dollarRule: false })) dollar = true;
          continue;
        }
        if (subscription.shared !== undefined) {
          const key = `${subscription.shared.group}\u0000${subscription.shared.filter}`;
          const group = groups.get(key) ?? { copy: { key, copies: 0, memberLost: false }, members: [] };
          group.members.push(session.key);
          groups.set(key, group);
          continue;
        }
        if (subscription.noLocal && message.publisher === session.key) {
          noLocal = true;
          continue;
        }
        matching.push(subscription);
      }
      if (matching.length === 0) {
        const rule: RuleName | undefined = noLocal
          ? 'no-local'
          : dollar
            ? 'dollar-topics'
            : [...session.unsubscribed].some((f) => topicMatches(f, message.topic))
              ? 'unsubscribed'
              : undefined;
        if (rule !== undefined)
          this.forbid(session.key, { topic: message.topic, payload: message.payload, rule });
        continue;
      }
      this.addDelivery(session, message, matching, now, undefined);
    }
    for (const { copy, members } of groups.values()) {
      for (const key of members) {
        const session = this.sessions.get(key);
        if (session === undefined) continue;
        const subscription = [...session.subscriptions.values()].find(
          (s) => s.shared !== undefined && `${s.shared.group}\u0000${s.shared.filter}` === copy.key,
        );
        if (subscription !== undefined) this.addDelivery(session, message, [subscription], now, copy);
      }
    }
    if (message.retain) {
      if (message.payload === '' && !message.will) this.retained.set(message.topic, new Set([null]));
      else if (message.will) {
        const values = this.retained.get(message.topic) ?? new Set([null]);
        values.add(message);
        this.retained.set(message.topic, values);
      } else this.retained.set(message.topic, new Set([message]));
    }
    void v5;
  }

  private addDelivery(
    session: SessionState,
    message: Message,
    matching: readonly Subscription[],
    now: number,
    group: Delivery['group'],
  ): void {
    const v5 = this.version === '5.0';
    const qosAllowed = new Set(matching.map((s) => Math.min(s.qos, message.qos)));
    const qosMax = Math.max(...qosAllowed);
    const retainAllowed = new Set(matching.map((s) => v5 && s.retainAsPublished && message.retain));
    const conn = session.attached !== undefined ? this.connections[session.attached] : undefined;
    const online =
      conn !== undefined && conn.open && conn.attached && conn.closeDue === undefined && !conn.mayClose;
    const tooBig =
      conn?.maximumPacketSize !== undefined &&
      message.size + (message.userProperties ? 40 : 0) > conn.maximumPacketSize - 16;
    const anyTooBig = conn?.maximumPacketSize !== undefined && message.size > conn.maximumPacketSize;
    if (anyTooBig) {
      this.forbid(session.key, {
        topic: message.topic,
        payload: message.payload,
        rule: 'maximum-packet-size',
      });
      return;
    }
    let dueAt: number | undefined;
    if (group === undefined && !tooBig && message.expiry === undefined) {
      if (online && (qosMax === 0 || !this.flowLimited(conn))) dueAt = now + this.options.graceMs;
    }
    if (message.will && message.qos === 0 && !online) dueAt = undefined;
    session.deliveries.push({
      message,
      kind: message.will ? 'will' : 'live',
      qosAllowed,
      qosMax,
      retainAllowed,
      subscriptionIds: matching.flatMap((s) => (s.subscriptionId !== undefined ? [s.subscriptionId] : [])),
      maxCopies: matching.length,
      copies: [],
      dueAt,
      missingRule: message.will ? 'will-published' : 'deliver-to-subscribers',
      ...(group !== undefined && { group }),
      dup: 'no',
    });
  }

  /** The connection of `conn` is gone: by DISCONNECT, by a drop, or closed by the server. */
  connectionEnded(conn: ConnectionState, now: number, how: 'disconnect' | 'drop' | 'server'): void {
    const session = this.sessionOf(conn);
    conn.open = false;
    conn.awaiting = [];
    conn.closeDue = undefined;
    const wasAttached = conn.attached;
    conn.attached = false;
    if (session !== undefined) {
      session.attached = undefined;
      for (const delivery of session.deliveries) {
        if (delivery.group !== undefined) delivery.group.memberLost = true;
        // Sent and not acknowledged: re-sent with DUP 1 on resume. Not seen yet: the server may
        // have sent it into the closing connection (then it is a re-send) or not.
        if (delivery.copies.length === 0 && delivery.dueAt !== undefined) delivery.dup = 'either';
        if (delivery.message.qos === 0 || delivery.qosMax === 0) delivery.dueAt = undefined;
        else if (delivery.copies.length === 0) delivery.dueAt = undefined;
      }
      for (const [packetId, delivery] of conn.inflight) delivery.unacked = { packetId };
      if (!session.persistent) this.discard(session, 'clean-session');
    }
    conn.inflight = new Map();
    if (conn.will !== undefined && wasAttached) this.willOnClose(conn, now, how, session);
    conn.will = undefined;
  }

  private willOnClose(
    conn: ConnectionState,
    now: number,
    how: 'disconnect' | 'drop' | 'server',
    session: SessionState | undefined,
  ): void {
    const will = conn.will;
    if (will === undefined) return;
    const payload = conn.willPayload;
    const message: Message = {
      payload,
      topic: will.topic,
      qos: will.qos,
      retain: will.retain,
      publisher: '',
      at: now,
      size: publishSize(will.topic, payload.length, will.qos),
      resent: false,
      will: true,
    };
    if (how === 'disconnect') {
      for (const key of this.sessions.keys())
        this.forbid(key, { topic: will.topic, payload, rule: 'will-discarded' });
      return;
    }
    const delay = this.version === '5.0' ? (will.delay ?? 0) : 0;
    // 5.0: published when the delay ends or the session ends, whichever is first.
    const sessionLives = session !== undefined && session.persistent;
    const notBefore = delay > 0 && sessionLives ? now + delay * 1000 - this.options.toleranceMs : undefined;
    const before = new Set(this.sessions.keys());
    this.route(message, now);
    for (const s of this.sessions.values()) {
      for (const d of s.deliveries) {
        if (d.message !== message) continue;
        if (notBefore !== undefined) {
          d.notBefore = notBefore;
          d.dueAt = undefined;
        }
        // A takeover or a server close: the will may be published (not checked as required).
        if (how === 'server' || conn.takenOver) d.dueAt = undefined;
      }
    }
    void before;
    this.pendingWills.push({
      client: conn.name,
      message,
      sessionKey: conn.sessionKey,
      delayed: notBefore !== undefined,
    });
  }

  /** Wills published with a delay, cancelled when their session is resumed in time. */
  readonly pendingWills: { client: ClientName; message: Message; sessionKey: string; delayed: boolean }[] =
    [];

  /** A CONNACK with session present on a session with a delayed will: the will must not come. */
  cancelDelayedWills(sessionKey: string, resumed: boolean): void {
    for (const pending of this.pendingWills) {
      if (!pending.delayed || pending.sessionKey !== sessionKey) continue;
      pending.delayed = false;
      for (const s of this.sessions.values()) {
        for (const d of s.deliveries) {
          if (d.message !== pending.message) continue;
          if (resumed) {
            d.maxCopies = 0;
            d.dueAt = undefined;
            this.forbid(s.key, { topic: d.message.topic, payload: d.message.payload, rule: 'will-delay' });
          } else d.notBefore = undefined;
        }
      }
    }
  }

  /**
   * Wills of connections the server may be closing (a violation, a takeover, keep alive over) may be
   * published before the client sees the close: they are allowed from then on.
   */
  releaseWills(now: number): void {
    for (const name of CLIENT_NAMES) {
      const conn = this.connections[name];
      if (!conn.open || !conn.attached || conn.will === undefined) continue;
      const keepAliveOver =
        conn.keepAlive > 0 && now - conn.lastSentAt >= conn.keepAlive * 1000 - this.options.toleranceMs;
      if (conn.closeDue === undefined && !conn.mayClose && !keepAliveOver) continue;
      this.willOnClose(conn, now, 'server', this.sessionOf(conn));
      conn.will = undefined;
    }
  }

  /** A packet a client received. */
  onPacket(client: ClientName, packet: Packet, rawSize: number, now: number): Disagreement | undefined {
    const conn = this.connections[client];
    this.releaseWills(now);
    if (packet.type === 'publish') return observePublish(this, conn, packet, rawSize, now);
    if (packet.type === 'pubrel' || packet.type === 'pingresp') return undefined;
    // A refusal of a broken CONNECT may come in either layout, or not at all before the close.
    if (packet.type === 'connack' && conn.mayClose && !conn.awaiting.some((a) => a.type === 'connack'))
      return undefined;
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
    if (packet.type === 'connack') return this.onConnack(conn, awaiting, packet, now);
    if (packet.type === 'suback') {
      this.granted(conn, awaiting.filters ?? [], packet.reasonCodes);
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

  private onConnack(
    conn: ConnectionState,
    awaiting: Awaiting,
    packet: Packet & { type: 'connack' },
    now: number,
  ): Disagreement | undefined {
    const expected = awaiting.connack;
    if (expected === undefined) return undefined;
    const check: CheckHint = {
      kind: 'connack',
      client: conn.name,
      reasonCode: expected.reasonCodes[0] ?? 0,
      ...(expected.sessionPresent !== undefined && { sessionPresent: expected.sessionPresent }),
      ...(expected.assigned && { assigned: true }),
    };
    if (!expected.reasonCodes.includes(packet.reasonCode)) {
      return this.disagree(
        awaiting.rule,
        conn.name,
        `CONNACK reason ${hex(packet.reasonCode)}, allowed ${expected.reasonCodes.map(hex).join(' or ')}`,
        check,
      );
    }
    if (packet.reasonCode !== 0) {
      conn.closeDue ??= {
        rule: awaiting.rule,
        at: now + this.options.graceMs,
        check: { kind: 'closed', client: conn.name },
      };
      conn.mayClose = true;
      return undefined;
    }
    if (expected.sessionPresent !== undefined && packet.sessionPresent !== expected.sessionPresent) {
      const rule: RuleName = 'session-present';
      return this.disagree(
        rule,
        conn.name,
        `CONNACK session present ${packet.sessionPresent ? 1 : 0}, the model says ${expected.sessionPresent ? 1 : 0}`,
        check,
      );
    }
    if (expected.assigned) {
      const assigned = packet.properties?.assignedClientIdentifier;
      if (assigned === undefined)
        return this.disagree(
          'assigned-client-id',
          conn.name,
          'CONNACK has no Assigned Client Identifier for a zero-length client id',
          check,
        );
    }
    const action = this.connectActionOf(conn.name);
    this.cancelDelayedWills(conn.sessionKey, packet.sessionPresent);
    this.attach(conn, action, now);
    if (this.version === '5.0' && packet.properties?.serverKeepAlive !== undefined)
      conn.keepAlive = packet.properties.serverKeepAlive;
    return undefined;
  }

  /** The last connect action of a client (set by the executor through `lastConnect`). */
  readonly lastConnect: Partial<Record<ClientName, ConnectAction>> = {};
  private connectActionOf(client: ClientName): ConnectAction | undefined {
    return this.lastConnect[client];
  }

  /** The server closed (or reset) a client's connection. */
  onClosed(client: ClientName, now: number): Disagreement | undefined {
    const conn = this.connections[client];
    if (!conn.open) return undefined;
    const idle = now - conn.lastSentAt;
    const keepAliveOver = conn.keepAlive > 0 && idle >= conn.keepAlive * 1000 - this.options.toleranceMs;
    const allowed = conn.closeDue !== undefined || conn.mayClose || keepAliveOver;
    this.connectionEnded(conn, now, 'server');
    if (allowed) return undefined;
    return this.disagree(
      'connection-kept',
      client,
      `the server closed the connection of '${client}' without a reason the model knows`,
      {
        kind: 'open',
        client,
      },
    );
  }

  /** Whether some reply is still awaited (the executor waits for replies before the next action). */
  awaitingReplies(): boolean {
    return CLIENT_NAMES.some((name) => {
      const conn = this.connections[name];
      return conn.open && (conn.awaiting.length > 0 || conn.closeDue !== undefined);
    });
  }

  /** Whether a reply, a close or a delivery is still required. */
  pendingRequirements(): boolean {
    if (this.awaitingReplies()) return true;
    for (const session of this.sessions.values())
      for (const d of session.deliveries) if (d.dueAt !== undefined && d.copies.length === 0) return true;
    return false;
  }

  /** The latest time something is due (the executor waits until then at the end). */
  lastDue(): number | undefined {
    let last: number | undefined;
    const consider = (t: number | undefined): void => {
      if (t !== undefined && (last === undefined || t > last)) last = t;
    };
    for (const name of CLIENT_NAMES) {
      const conn = this.connections[name];
      for (const a of conn.awaiting) consider(a.dueAt);
      consider(conn.closeDue?.at);
    }
    for (const session of this.sessions.values())
      for (const d of session.deliveries) if (d.copies.length === 0) consider(d.dueAt);
    return last;
  }

  /** Everything due by `now` that did not happen. */
  check(now: number): Disagreement | undefined {
    this.releaseWills(now);
    for (const name of CLIENT_NAMES) {
      const conn = this.connections[name];
      if (!conn.open) continue;
      const late = conn.awaiting.find((a) => a.dueAt < now);
      if (late !== undefined) {
        const check: CheckHint =
          late.type === 'connack' && late.connack !== undefined
            ? { kind: 'connack', client: name, reasonCode: late.connack.reasonCodes[0] ?? 0 }
            : { kind: 'reply', client: name };
        return this.disagree(
          late.rule,
          name,
          `no ${late.type.toUpperCase()}${late.packetId !== undefined ? ` for packet id ${late.packetId}` : ''} within ${this.options.graceMs} ms`,
          check,
        );
      }
      if (conn.closeDue !== undefined && conn.closeDue.at < now) {
        return this.disagree(
          conn.closeDue.rule,
          name,
          `the connection of '${name}' is still open ${this.options.graceMs} ms after the server had to close it`,
          conn.closeDue.check,
        );
      }
      if (
        conn.keepAlive > 0 &&
        conn.attached &&
        now - conn.lastSentAt > conn.keepAlive * 1500 + this.options.toleranceMs
      ) {
        return this.disagree(
          'keep-alive',
          name,
          `'${name}' sent nothing for ${now - conn.lastSentAt} ms with keep alive ${conn.keepAlive} s and is still connected`,
          {
            kind: 'closed',
            client: name,
          },
        );
      }
    }
    for (const session of this.sessions.values()) {
      const client = session.attached;
      if (client === undefined) continue;
      for (const d of session.deliveries) {
        if (d.dueAt === undefined || d.dueAt >= now) continue;
        const hint: CheckHint = {
          kind: 'delivery',
          client,
          topic: d.message.topic,
          payload: d.message.payload,
          qos: d.qosMax,
        };
        if (d.copies.length === 0)
          return this.disagree(
            d.missingRule,
            client,
            `${describe(d)} did not arrive at '${client}' within ${this.options.graceMs} ms`,
            hint,
          );
        if (!d.copies.some((c) => c.qos === d.qosMax))
          return this.disagree(
            'overlapping-qos',
            client,
            `${describe(d)} arrived at QoS ${d.copies.map((c) => c.qos).join(', ')}, none at the highest matching QoS ${d.qosMax}`,
            hint,
          );
        d.dueAt = undefined;
      }
    }
    return undefined;
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

function hex(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}

/** Size of a PUBLISH without properties: fixed header (≤ 5), topic, packet id, payload. */
function publishSize(topic: string, payloadBytes: number, qos: number): number {
  return 5 + 2 + Buffer.byteLength(topic) + 8 + (qos > 0 ? 2 : 0) + payloadBytes;
}
