// A lean MQTT frame splitter for the load generator: finds packet boundaries and the fields the
// bench needs (type, QoS, packet id of a PUBLISH) without decoding properties or payloads.
export interface Frame {
  type: number; // 1..15
  flags: number;
  /** Packet id of a QoS 1/2 PUBLISH, or of an ack; 0 when absent. */
  packetId: number;
}

export class FrameSplitter {
  private buffer: Buffer = Buffer.alloc(0);

  /** Calls onFrame for every complete packet in the stream so far. */
  push(chunk: Buffer, onFrame: (frame: Frame) => void): void {
    let data = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    while (offset + 2 <= data.length) {
      let length = 0;
      let multiplier = 1;
      let cursor = offset + 1;
      let complete = false;
      for (let i = 0; i < 4 && cursor < data.length; i++) {
        const byte = data[cursor++]!;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete || cursor + length > data.length) break;
      const first = data[offset]!;
      const type = first >> 4;
      const flags = first & 0x0f;
      let packetId = 0;
      if (type === 3 && (flags & 0x06) !== 0) {
        const topicLength = data.readUInt16BE(cursor);
        packetId = data.readUInt16BE(cursor + 2 + topicLength);
      } else if (type >= 4 && type <= 7 && length >= 2) {
        packetId = data.readUInt16BE(cursor);
      }
      onFrame({ type, flags, packetId });
      offset = cursor + length;
    }
    data = data.subarray(offset);
    this.buffer = data.length === 0 ? Buffer.alloc(0) : Buffer.from(data);
  }
}
