// Finds MQTT packet boundaries in a TCP byte stream without decoding payloads, so the proxy can time
// CONNECT→CONNACK and PINGREQ→PINGRESP pairs. Only the fixed header is read.
export class FrameScanner {
  private remaining = 0; // body bytes of the current packet still to skip
  private header = -1; // first byte of a fixed header being read, -1 when none
  private length = 0;
  private multiplier = 1;
  private broken = false;

  /** Calls onPacket(type) for each packet whose fixed header completes in this chunk. */
  scan(chunk: Buffer, onPacket: (type: number) => void): void {
    if (this.broken) return;
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining > 0) {
        const skip = Math.min(this.remaining, chunk.length - i);
        this.remaining -= skip;
        i += skip;
        continue;
      }
      const byte = chunk[i++]!;
      if (this.header < 0) {
        this.header = byte;
        this.length = 0;
        this.multiplier = 1;
        continue;
      }
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      if (byte & 0x80) {
        if (this.multiplier > 128 ** 4) this.broken = true; // not MQTT (e.g. TLS): stop scanning
        if (this.broken) return;
        continue;
      }
      onPacket(this.header >> 4);
      this.remaining = this.length;
      this.header = -1;
    }
  }
}

export const PACKET = { connect: 1, connack: 2, pingreq: 12, pingresp: 13 } as const;
