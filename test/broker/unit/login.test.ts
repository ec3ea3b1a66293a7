// Logins against the password file: every attempt costs one hash (no user enumeration by timing),
// hashes leave the event loop free, failing sources cannot starve the others, good logins are
// remembered. Properties, not speeds: nothing here depends on how fast the machine is.
import { describe, expect, it } from 'vitest';
import { PasswordFile, PasswordLogin, createPasswordEntry } from '../../../broker/auth/index.js';

const FAST = { N: 1024, r: 8, p: 1 };
const SLOWER = { N: 4096, r: 8, p: 1 };

async function passwords(params = FAST): Promise<PasswordFile> {
  const lines = await Promise.all([
    createPasswordEntry('alice', 'alice-pw', params),
    createPasswordEntry('bob', 'bob-pw', params),
  ]);
  return PasswordFile.parse(lines.join('\n'));
}

describe('password file: every attempt costs one hash', () => {
  it('[issue 13 item 4] unknown users, missing passwords and wrong passwords run the hash like good ones', async () => {
    const file = await passwords();
    const hashed = async (username: string, password: string | undefined): Promise<[boolean, number]> => {
      const before = file.hashCount;
      const ok = await file.verify(username, password === undefined ? undefined : Buffer.from(password));
      return [ok, file.hashCount - before];
    };
    expect(await hashed('nobody', 'x')).toEqual([false, 1]);
    expect(await hashed('alice', 'wrong')).toEqual([false, 1]);
    expect(await hashed('alice', undefined)).toEqual([false, 1]);
    expect(await hashed('alice', '')).toEqual([false, 1]);
    expect(await hashed('alice', 'alice-pw')).toEqual([true, 1]);
    // an empty password file still costs a hash per attempt
    const empty = PasswordFile.parse('# nobody yet\n');
    await expect(empty.verify('x', Buffer.from('y'))).resolves.toBe(false);
    expect(empty.hashCount).toBe(1);
  });

  it('the hash leaves the event loop free while it runs', async () => {
    const file = await passwords(SLOWER);
    let turned = false;
    const verifying = file.verify('alice', Buffer.from('alice-pw'));
    setImmediate(() => (turned = true));
    await expect(verifying).resolves.toBe(true);
    expect(turned).toBe(true); // a synchronous hash would have finished before the loop turned
  });
});

describe('PasswordLogin', () => {
  it('[issue 13 item 4] a good login from another source does not wait behind a flood of wrong passwords', async () => {
    const file = await passwords(SLOWER);
    // the attacker's attempts all wait (none refused outright): what is tested is the order of the hashes
    const login = new PasswordLogin(file, { cacheSeconds: 0, gate: { maxWaitingPerSource: 64 } });
    const attempt = (username: string, password: string, remoteAddress: string): Promise<boolean> =>
      Promise.resolve(
        login.authenticate({ clientId: 'c', username, password: Buffer.from(password), remoteAddress }),
      );
    expect(await attempt('alice', 'wrong', '10.0.0.66')).toBe(false); // the attacker is now suspect
    let attackerDone = 0;
    const flood = Array.from({ length: 30 }, (_, i) =>
      attempt(i % 2 === 0 ? 'alice' : `guess-${i}`, `wrong-${i}`, '10.0.0.66').then((ok) => {
        attackerDone++;
        return ok;
      }),
    );
    const good = await attempt('bob', 'bob-pw', '10.0.0.7');
    const doneWhenGoodFinished = attackerDone;
    expect(good).toBe(true);
    expect(await Promise.all(flood)).toEqual(Array.from({ length: 30 }, () => false));
    // suspect hashes run one at a time beside it: the good login passed nearly all of them
    expect(doneWhenGoodFinished).toBeLessThan(10);
  });

  it('a suspect source over its queue bound is refused without a hash, for known and unknown users alike', async () => {
    const file = await passwords(SLOWER);
    const login = new PasswordLogin(file, { cacheSeconds: 0, gate: { maxWaitingPerSource: 4 } });
    const attempt = (username: string): Promise<boolean> =>
      Promise.resolve(
        login.authenticate({ clientId: 'c', username, password: Buffer.from('x'), remoteAddress: 'a' }),
      );
    await attempt('alice');
    const before = file.hashCount;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => attempt(i % 2 ? 'alice' : 'nobody')),
    );
    expect(results.every((ok) => !ok)).toBe(true);
    // one running + four waiting were hashed; the other seven were refused at once
    expect(file.hashCount - before).toBe(5);
    expect(login.gate.throttled).toBe(7);
  });

  it('suspect sources take turns: one flooding source cannot crowd out another with a failed login', async () => {
    const file = await passwords(SLOWER);
    const login = new PasswordLogin(file, { cacheSeconds: 0, gate: { maxWaitingPerSource: 64 } });
    const attempt = (username: string, password: string, remoteAddress: string): Promise<boolean> =>
      Promise.resolve(
        login.authenticate({ clientId: 'c', username, password: Buffer.from(password), remoteAddress }),
      );
    await attempt('alice', 'typo', '10.0.0.8'); // a user's typo: this source is suspect too
    await attempt('alice', 'wrong', '10.0.0.66');
    let attackerDone = 0;
    const flood = Array.from({ length: 30 }, (_, i) =>
      attempt('alice', `wrong-${i}`, '10.0.0.66').then(() => attackerDone++),
    );
    expect(await attempt('bob', 'bob-pw', '10.0.0.8')).toBe(true); // hashed in its turn, not refused
    expect(attackerDone).toBeLessThan(4);
    await Promise.all(flood);
  });

  it('remembers a good login: the same credentials again need no hash, other ones still do', async () => {
    const file = await passwords();
    const login = new PasswordLogin(file);
    const attempt = (password: string): Promise<boolean> =>
      Promise.resolve(
        login.authenticate({ clientId: 'c', username: 'alice', password: Buffer.from(password) }),
      );
    expect(await attempt('alice-pw')).toBe(true);
    const hashes = file.hashCount;
    expect(await attempt('alice-pw')).toBe(true);
    expect(file.hashCount).toBe(hashes);
    expect(await attempt('alice-pw ')).toBe(false);
    expect(file.hashCount).toBe(hashes + 1);
  });

  it('anonymous clients follow allowAnonymous and cost no hash', async () => {
    const file = await passwords();
    expect(new PasswordLogin(file).authenticate({ clientId: 'c' })).toBe(false);
    expect(new PasswordLogin(file, { allowAnonymous: true }).authenticate({ clientId: 'c' })).toBe(true);
    expect(file.hashCount).toBe(0);
  });
});
