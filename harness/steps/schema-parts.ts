// Schema pieces several step kinds share. Packet data (packets, patterns, properties, encodings) is
// checked by its own schema ($ref) and reaches resolvers as plain data.
import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox';
import type { Data, DataObject } from './data.js';
import {
  ConnackPattern,
  Encoding,
  PacketPattern,
  SendPacket,
  SendProperties,
  SendWill,
} from './packet-schema.js';

export const closed = { additionalProperties: false } as const;
export const ms = (description: string) => Type.Integer({ minimum: 0, description });
export const clientName = Type.String({ minLength: 1, description: "client name; default 'a'" });
export const byte = Type.Integer({ minimum: 0, maximum: 255 });
export const packetId = Type.Integer({ minimum: 0, maximum: 65535 });
export const qos = Type.Integer({ minimum: 0, maximum: 3 });

/** A `$ref` to a schema of packet data; the value is plain data once that schema has checked it. */
function dataRef<T = DataObject>(schema: TSchema): TUnsafe<T> {
  if (typeof schema.$id !== 'string') throw new Error('dataRef() needs a schema with $id');
  return Type.Unsafe<T>({ $ref: schema.$id });
}

/** A CONNACK pattern as written under connect's `expect` (`type` may be left out). */
export type ConnackPatternInput = {
  readonly type?: 'connack';
  readonly sessionPresent?: Data;
  readonly reasonCode?: Data;
  readonly properties?: Data;
};

export const sendPacket = dataRef(SendPacket);
export const packetPattern = dataRef(PacketPattern);
export const connackPattern = dataRef<ConnackPatternInput>(ConnackPattern);
export const sendProperties = dataRef(SendProperties);
export const sendWill = dataRef(SendWill);
export const encoding = dataRef(Encoding);

const variableName = (what: string) =>
  Type.String({
    pattern: '^[A-Za-z][A-Za-z0-9_]*$',
    description: `variable that receives ${what} (later written as '\${name}')`,
  });

/**
 * Fields of the matched packet kept in variables for later steps: `{ packetId: pid }` → `'${pid}'`.
 * `packetId` must be in the packet; the property fields (`assignedClientIdentifier`, `topicAlias`)
 * are kept when present and leave the variable unset otherwise (a server may choose not to send them).
 */
export const Capture = Type.Object(
  {
    packetId: Type.Optional(variableName('the packet identifier')),
    assignedClientIdentifier: Type.Optional(variableName('the Assigned Client Identifier property')),
    topicAlias: Type.Optional(variableName('the Topic Alias property')),
  },
  { ...closed, minProperties: 1, description: 'keep fields of the matched packet in variables' },
);
