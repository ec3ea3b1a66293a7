// What a kernel link still holds, read from `ss -tnH` in its namespaces (kernel/in-flight.ts).
import { describe, expect, it } from 'vitest';
import { queuedBytes } from '../../harness/network/kernel/in-flight.js';

describe('queuedBytes', () => {
  it('adds Recv-Q and Send-Q of every connection, listening sockets left out', () => {
    const ss = [
      'ESTAB      0      1530   10.213.0.1:45960 10.213.0.2:1883',
      'CLOSING    0      1      10.213.0.1:45961 10.213.0.2:1883',
      'TIME-WAIT  0      0      10.213.0.1:45940 10.213.0.2:1883',
      'ESTAB      212    0      10.213.0.2:1883  10.213.0.1:48372',
      'LISTEN     0      511    10.213.0.2:1883  0.0.0.0:*',
      '',
    ].join('\n');
    expect(queuedBytes(ss)).toBe(1530 + 1 + 212);
  });

  it('an idle link holds nothing', () => {
    expect(queuedBytes('')).toBe(0);
    expect(queuedBytes('ESTAB 0 0 10.213.0.1:1 10.213.0.2:1883\n')).toBe(0);
  });
});
