// Regression: `harness bench` under the kernel-backed lossy-5 profile wrote its results and then
// sometimes never exited (a socket handle left open by the kernel link). The real CLI in a child
// process must exit by itself; it is killed after a generous limit, which the test reports as a hang.
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { detectKernel } from '../../harness/network/index.js';
import { cli, project, readResults } from './helpers.js';

const caps = await detectKernel();
const kernel = caps.root && caps.netns && caps.veth && caps.loss;

describe('harness bench under lossy-5', () => {
  it.skipIf(!kernel)(
    `exits after writing its results${kernel ? '' : ` [skipped: ${caps.missing.join('; ') || 'not root'}]`}`,
    async () => {
      const dir = await project({});
      try {
        const run = await cli(
          ['bench', 'pairs', '--qos', '1', '--mqtt', '3.1.1', '-t', 'mosquitto', '-p', 'lossy-5'].concat([
            '--duration',
            '3s',
            '--publishers',
            '5',
            '-r',
            'json',
            '-o',
            dir,
          ]),
          dir,
          150_000,
        );
        expect(run.code, `killed: the CLI did not exit\n${run.stderr}`).not.toBeNull();
        const result = await readResults(dir);
        expect(result.loads).toHaveLength(1);
        expect(result.loads[0]!.profile).toBe('lossy-5');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
