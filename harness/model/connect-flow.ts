// The model's connection life: a CONNECT (and what the CONNACK must say), a broken CONNECT or
// another protocol violation (the server must close), and the session a CONNACK attaches.
import type { Packet } from '../../wire/index.js';
import type { BrokerModel } from './model.js';
import type { RuleName } from './rules.js';
import {
  CLIENT_NAMES,
  FRESH_VIOLATIONS,
  type ConnectAction,
  type QoS,
  type ViolationKind,
} from './session.js';
import { newSession, type Awaiting, type ConnectionState, type SessionState } from './sessions.js';
import type { CheckHint, Disagreement } from './types.js';
import { cancelDelayedWills, sessionEndsDelayedWills } from './will.js';
import { discard } from './route.js';
import { willPayload } from './words.js';

const VIOLATION_RULES: Record<ViolationKind, RuleName> = {
  'second-connect': 'second-connect',
  qos3: 'qos3-publish',
  'wildcard-topic': 'wildcard-publish-topic',
  'ill-formed-utf8': 'ill-formed-utf8',
  'reserved-flag': 'reserved-connect-flag',
  'protocol-level': 'protocol-level',
  'first-not-connect': 'first-packet-connect',
};

/**
 * A reply on a connection that broke the protocol: a CONNACK accepting a broken CONNECT, or a reply
 * to the offending packet (a QoS 3 PUBLISH acknowledged). The server went on instead of closing,
 * so the violation's rule is the one broken. Undefined when no violation is pending or the CONNACK
 * refuses.
 */
export function replyAfterViolation(
  model: BrokerModel,
  conn: ConnectionState,
  packet: Packet,
): Disagreement | undefined {
  const violation = conn.closeDue;
  if (violation === undefined || !Object.values(VIOLATION_RULES).includes(violation.rule)) return undefined;
  if (packet.type === 'connack') {
    if (packet.reasonCode >= 0x80 || conn.attached) return undefined;
    const code = `0x${packet.reasonCode.toString(16).padStart(2, '0')}`;
    return model.disagree(
      violation.rule,
      conn.name,
      `CONNACK ${code} accepts a broken CONNECT`,
      violation.check,
    );
  }
  return model.disagree(
    violation.rule,
    conn.name,
    `${packet.type} after a protocol violation instead of the close`,
    violation.check,
  );
}

export function violateAction(
  model: BrokerModel,
  kind: ViolationKind,
  conn: ConnectionState,
  now: number,
): void {
  const rule = VIOLATION_RULES[kind];
  if (FRESH_VIOLATIONS.has(kind)) {
    conn.open = true;
    conn.everOpened = true;
    conn.attached = false;
    conn.awaiting = [];
    conn.inflight = new Map();
    conn.keepAlive = 0;
  }
  conn.mayClose = true;
  conn.closeDue = { rule, at: now + model.options.graceMs, check: { kind: 'closed', client: conn.name } };
  if (kind === 'protocol-level' && model.version === '3.1.1') {
    // 3.1.1 requires the refusal CONNACK 0x01 before the close.
    conn.awaiting.push({
      type: 'connack',
      packetId: undefined,
      rule,
      dueAt: now + model.options.graceMs,
      connack: { reasonCodes: [1, 0x84], sessionPresent: false, closeAfterRefusal: true, assigned: false },
    });
  }
}

/** A Will QoS above the announced Maximum QoS: refused (0x9B recommended), then closed [MQTT-3.2.2-12]. */
function refuseWillQos(model: BrokerModel, conn: ConnectionState, due: number): void {
  conn.will = undefined;
  conn.mayClose = true;
  conn.awaiting.push({
    type: 'connack',
    packetId: undefined,
    rule: 'will-qos-maximum',
    dueAt: due,
    connack: {
      reasonCodes: [0x9b, 0x80, 0x83],
      sessionPresent: false,
      closeAfterRefusal: true,
      assigned: false,
    },
  });
  conn.closeDue = {
    rule: 'will-qos-maximum',
    at: due,
    check: { kind: 'connack', client: conn.name, reasonCode: 0x9b },
  };
}

/** A zero-length client id: refused (3.1.1, clean session 0) or given an assigned id. */
function connectWithEmptyId(
  model: BrokerModel,
  action: ConnectAction,
  conn: ConnectionState,
  due: number,
): void {
  const v5 = model.version === '5.0';
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
  conn.sessionKey = `assigned-${model.assignedCount++}`;
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
}

/**
 * Another open connection holding this client id is taken over: the server must close it. Returns
 * whether the session it held was not persistent (then Session Present may go either way).
 */
function takeOver(
  model: BrokerModel,
  conn: ConnectionState,
  existing: SessionState | undefined,
  due: number,
): boolean {
  let takeoverOfTransient = false;
  for (const other of CLIENT_NAMES) {
    const o = model.connections[other];
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
  return takeoverOfTransient;
}

export function connectAction(
  model: BrokerModel,
  action: ConnectAction,
  conn: ConnectionState,
  now: number,
): void {
  const v5 = model.version === '5.0';
  model.lastConnect[action.client] = action;
  conn.open = true;
  conn.everOpened = true;
  conn.attached = false;
  conn.takenOver = false;
  conn.mayClose = false;
  conn.closeDue = undefined;
  conn.awaiting = [];
  conn.inflight = new Map();
  conn.refusedIds = new Set();
  conn.aliases = new Map();
  conn.keepAlive = action.keepAlive ?? 0;
  conn.will = action.will;
  conn.willPayload = willPayload(action.client, model.actionIndex);
  conn.receiveMaximum = v5 ? (action.receiveMaximum ?? 65535) : 65535;
  conn.maximumPacketSize = v5 ? action.maximumPacketSize : undefined;
  const due = now + model.options.graceMs;
  if (v5 && action.will !== undefined && action.will.qos > (model.maximumQos ?? 2))
    return refuseWillQos(model, conn, due);
  // Before any CONNACK the Maximum QoS is unknown: a will at QoS 2 may be refused [MQTT-3.2.2-12].
  const willMayBeRefused = v5 && action.will?.qos === 2 && model.maximumQos === undefined;
  if (action.emptyId === true) return connectWithEmptyId(model, action, conn, due);
  conn.sessionKey = action.as ?? action.client;
  const existing = model.sessions.get(conn.sessionKey);
  const takeoverOfTransient = takeOver(model, conn, existing, due);
  let sessionPresent: boolean | undefined;
  if (action.clean) {
    sessionPresent = false;
    sessionEndsDelayedWills(model, conn.sessionKey);
    if (existing !== undefined) discard(model, existing, 'clean-session');
  } else {
    sessionPresent = existing !== undefined && (existing.persistent || existing.attached !== undefined);
    if (takeoverOfTransient) sessionPresent = undefined;
  }
  conn.awaiting.push({
    type: 'connack',
    packetId: undefined,
    rule: 'connect-accepted',
    dueAt: due,
    connack: {
      reasonCodes: willMayBeRefused ? [0, 0x9b, 0x80, 0x83] : [0],
      sessionPresent,
      closeAfterRefusal: false,
      assigned: false,
    },
  });
}

/** The session the CONNACK gave the connection. */
export function attachSession(
  model: BrokerModel,
  conn: ConnectionState,
  action: ConnectAction | undefined,
  now: number,
): void {
  conn.attached = true;
  const v5 = model.version === '5.0';
  const clean = action?.clean ?? true;
  const persistent = v5 ? (action?.sessionExpiry ?? 0) > 0 : !clean;
  let session = model.sessions.get(conn.sessionKey);
  if (session === undefined || clean) {
    session = newSession(conn.sessionKey, persistent);
    model.sessions.set(conn.sessionKey, session);
  }
  session.persistent = persistent;
  session.attached = conn.name;
  // A resumed session: queued messages and unacknowledged ones are now due.
  for (const delivery of session.deliveries) {
    if (delivery.copies.length >= delivery.maxCopies && delivery.unacked === undefined) continue;
    const expired = model.expiredAt(delivery.message, now);
    if (expired === 'yes') continue;
    if (delivery.unacked !== undefined) {
      delivery.dup = delivery.message.qos === 0 ? 'no' : 'yes';
      delivery.packetId = delivery.unacked.packetId;
      delivery.redeliveries = delivery.unacked.copies;
      delivery.copies = [];
      delivery.dueAt = expired === 'no' && !model.flowLimited(conn) ? now + model.options.graceMs : undefined;
      delivery.missingRule = 'dup-on-redelivery';
      continue;
    }
    const qos = delivery.qosMax;
    if (
      qos > 0 &&
      delivery.copies.length === 0 &&
      delivery.dueAt === undefined &&
      delivery.kind !== 'will' &&
      delivery.uncertain !== true
    )
      delivery.dueAt = expired === 'no' && !model.flowLimited(conn) ? now + model.options.graceMs : undefined;
  }
}

export function onConnack(
  model: BrokerModel,
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
    return model.disagree(
      awaiting.rule,
      conn.name,
      `CONNACK reason ${hex(packet.reasonCode)}, allowed ${expected.reasonCodes.map(hex).join(' or ')}`,
      check,
    );
  }
  if (packet.reasonCode !== 0) {
    conn.closeDue ??= {
      rule: awaiting.rule,
      at: now + model.options.graceMs,
      check: { kind: 'closed', client: conn.name },
    };
    conn.mayClose = true;
    return undefined;
  }
  if (expected.sessionPresent !== undefined && packet.sessionPresent !== expected.sessionPresent) {
    const rule: RuleName = 'session-present';
    return model.disagree(
      rule,
      conn.name,
      `CONNACK session present ${packet.sessionPresent ? 1 : 0}, the model says ${expected.sessionPresent ? 1 : 0}`,
      check,
    );
  }
  if (expected.assigned) {
    const assigned = packet.properties?.assignedClientIdentifier;
    if (assigned === undefined)
      return model.disagree(
        'assigned-client-id',
        conn.name,
        'CONNACK has no Assigned Client Identifier for a zero-length client id',
        check,
      );
  }
  const action = model.lastConnect[conn.name];
  cancelDelayedWills(model, conn.sessionKey, packet.sessionPresent);
  attachSession(model, conn, action, now);
  // What the server supports holds for every connection [MQTT-3.2.2-9].
  if (model.version === '5.0') model.maximumQos = Math.min(2, packet.properties?.maximumQoS ?? 2) as QoS;
  if (model.version === '5.0' && packet.properties?.serverKeepAlive !== undefined)
    conn.keepAlive = packet.properties.serverKeepAlive;
  return undefined;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}
