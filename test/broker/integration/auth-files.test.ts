// The password and ACL file formats on their own (no broker): parsing, errors with lines, matching.
import { describe, expect, it } from 'vitest';
import {
  AclFile,
  AuthFileError,
  PasswordFile,
  createPasswordEntry,
  patternCoversFilter,
  patternMatchesTopic,
} from '../../../broker/auth/index.js';

const FAST = { N: 1024, r: 8, p: 1 };

describe('password file', () => {
  it('verifies the right password only', async () => {
    const file = PasswordFile.parse(`# users\n${await createPasswordEntry('eve', 'pw', FAST)}\n`);
    expect(file.size).toBe(1);
    await expect(file.verify('eve', Buffer.from('pw'))).resolves.toBe(true);
    await expect(file.verify('eve', Buffer.from('pW'))).resolves.toBe(false);
    await expect(file.verify('eve', undefined)).resolves.toBe(false);
    await expect(file.verify('mallory', Buffer.from('pw'))).resolves.toBe(false);
  });

  it('rejects plain-text passwords and malformed lines with the line number', () => {
    expect(() => PasswordFile.parse('\nalice:secret\n', 'users')).toThrow(
      /users:2: expected username:scrypt/,
    );
    const error = (() => {
      try {
        PasswordFile.parse('x:scrypt$1000$8$1$AA==$AA=='); // N not a power of two
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AuthFileError);
    expect((error as AuthFileError).code).toBe('PASSWORD_FILE_INVALID');
  });

  it('refuses usernames that would break the format', async () => {
    await expect(createPasswordEntry('a:b', 'pw', FAST)).rejects.toThrow(/invalid username/);
  });
});

describe('topic patterns', () => {
  it.each([
    ['a/+/c', 'a/b/c', true],
    ['a/#', 'a', true],
    ['a/#', 'a/b/c', true],
    ['a/+', 'a/b/c', false],
    ['#', '$SYS/x', false],
    ['$SYS/#', '$SYS/x', true],
  ])('pattern %s matches topic %s: %s', (pattern, topic, expected) => {
    expect(patternMatchesTopic(pattern, topic)).toBe(expected);
  });

  it.each([
    ['a/#', 'a/+/c', true],
    ['a/#', 'a/#', true],
    ['a/+/c', 'a/+/c', true],
    ['a/+/c', 'a/#', false],
    ['a/b', 'a/+', false],
    ['+/b', '+/b', true],
    ['#', '$SYS/#', false],
    ['#', '#', true],
  ])('pattern %s covers filter %s: %s', (pattern, filter, expected) => {
    expect(patternCoversFilter(pattern, filter)).toBe(expected);
  });
});

describe('ACL file', () => {
  const acl = AclFile.parse(
    [
      'topic read public/#',
      'user u1',
      'topic write u1/out',
      'topic sensors/#',
      'client c9 user dev9',
      'topic read c9/in',
      'pattern read inbox/%c/#',
      '',
    ].join('\n'),
  );
  const u1 = { clientId: 'x', username: 'u1' };
  const c9 = { clientId: 'c9', username: 'dev9' };

  it('applies global, per-user, per-client and pattern rules', () => {
    expect(acl.canSubscribe(c9, 'public/news')).toBe(true); // global
    expect(acl.canPublish(c9, 'public/news')).toBe(false); // read only
    expect(acl.canPublish(u1, 'u1/out')).toBe(true);
    expect(acl.canSubscribe(u1, 'u1/out')).toBe(false); // write only
    expect(acl.canPublish(u1, 'sensors/a')).toBe(true); // no access word = readwrite
    expect(acl.canSubscribe(u1, 'sensors/#')).toBe(true);
    expect(acl.canSubscribe(c9, 'c9/in')).toBe(true);
    expect(acl.canSubscribe(u1, 'c9/in')).toBe(false);
    expect(acl.canSubscribe(c9, 'inbox/c9/+')).toBe(true); // %c substituted
    expect(acl.canSubscribe(c9, 'inbox/x/+')).toBe(false);
    expect(acl.canSubscribe(u1, '$share/g/sensors/+')).toBe(true); // decided on the inner filter
  });

  it('[issue 13 item 3] a client rule binds the id to its user: another user choosing the id gets nothing', () => {
    const impostor = { clientId: 'c9', username: 'u1' };
    const anonymous = { clientId: 'c9' };
    expect(acl.canSubscribe(c9, 'c9/in')).toBe(true);
    expect(acl.canSubscribe(impostor, 'c9/in')).toBe(false);
    expect(acl.canSubscribe(anonymous, 'c9/in')).toBe(false);
    expect(acl.canRead(impostor, 'c9/in')).toBe(false);
  });

  it('[issue 13 item 3] a client line without the user it belongs to is refused with its line', () => {
    const error = (() => {
      try {
        AclFile.parse('topic read a/#\nclient gateway-1\ntopic read cmd/#\n', 'acl');
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AuthFileError);
    expect((error as AuthFileError).code).toBe('ACL_FILE_INVALID');
    expect((error as AuthFileError).message).toMatch(/^acl:2: 'client' needs a client id and the user/);
  });

  it('read rights per topic (checked for every delivery) follow the same rules as subscriptions', () => {
    expect(acl.canRead(u1, 'sensors/a/b')).toBe(true);
    expect(acl.canRead(u1, 'u1/out')).toBe(false); // write only
    expect(acl.canRead(c9, 'inbox/c9/x')).toBe(true);
    expect(acl.canRead(c9, 'inbox/other/x')).toBe(false);
    expect(acl.canRead(u1, '$SYS/x')).toBe(false);
  });

  it('a %u rule does not apply to a client without a username or with wildcards in it', () => {
    const rules = AclFile.parse('pattern readwrite home/%u/#');
    expect(rules.canPublish({ clientId: 'a' }, 'home//x')).toBe(false);
    expect(rules.canSubscribe({ clientId: 'a', username: '+' }, 'home/+/#')).toBe(false);
    expect(rules.canPublish({ clientId: 'a', username: 'ann' }, 'home/ann/x')).toBe(true);
  });

  it('reports unknown keywords and invalid patterns with the line', () => {
    expect(() => AclFile.parse('topic read a/#\nallow all\n', 'acl')).toThrow(
      /acl:2: unknown keyword 'allow'/,
    );
    expect(() => AclFile.parse('topic read a/#/b\n', 'acl')).toThrow(/acl:1: invalid topic pattern/);
  });
});
