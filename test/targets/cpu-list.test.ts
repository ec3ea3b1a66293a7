// CPU lists: the Linux notation parsed and written back, and the checks the plan makes of
// --broker-cpus / --generator-cpus before anything starts.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../harness/config/index.js';
import {
  allowedCpus,
  checkCpuList,
  formatCpuList,
  parseCpuList,
  sameCpus,
} from '../../harness/placement/index.js';

const environment = { cwd: process.cwd(), isTTY: false, env: {} };

describe('CPU lists', () => {
  it('reads ids, ranges and both mixed, each CPU once, ascending', () => {
    expect(parseCpuList('0')).toEqual([0]);
    expect(parseCpuList('0-1')).toEqual([0, 1]);
    expect(parseCpuList('3,0,2-3')).toEqual([0, 2, 3]);
    expect(formatCpuList([3, 0, 1, 5, 6, 7])).toBe('0-1,3,5-7');
    expect(sameCpus('0,1', '0-1')).toBe(true);
    expect(sameCpus('0', '0-1')).toBe(false);
  });

  it('refuses what is not a list, every time with reason malformed', () => {
    for (const bad of ['', ' 0', '0-', '-1', '1-0', 'a', '0,,1', '0;1', '0-1:2', '99999'])
      expect(() => parseCpuList(bad), bad).toThrow(expect.objectContaining({ reason: 'malformed' }));
  });

  it('checkCpuList keeps to the CPUs this process may use and returns the canonical list', () => {
    const allowed = allowedCpus()!;
    expect(checkCpuList(formatCpuList(allowed).replace('-', ','))).toBe(formatCpuList(allowed));
    expect(() => checkCpuList(String(allowed.at(-1)! + 1))).toThrow(
      expect.objectContaining({ code: 'HARNESS_PLACEMENT_INVALID', reason: 'unavailable' }),
    );
  });

  it('--broker-cpus and --generator-cpus are checked when the options resolve (exit 2, nothing started)', () => {
    const resolved = resolveConfig({}, { brokerCpus: '0', generatorCpus: '0,1' }, environment);
    expect(resolved.brokerCpus).toBe('0');
    expect(resolved.generatorCpus).toBe('0-1');
    expect(() => resolveConfig({}, { brokerCpus: '0-x' }, environment)).toThrow(
      expect.objectContaining({ code: 'HARNESS_PLACEMENT_INVALID', reason: 'malformed' }),
    );
    expect(() => resolveConfig({}, { generatorCpus: '4096' }, environment)).toThrow(
      expect.objectContaining({ code: 'HARNESS_PLACEMENT_INVALID', reason: 'unavailable' }),
    );
  });
});
