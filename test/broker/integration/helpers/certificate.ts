// A throw-away self-signed certificate for 127.0.0.1 / localhost, made with the openssl CLI
// (node's crypto cannot create X.509 certificates).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const OPENSSL = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((p) => existsSync(p));

export interface Certificate {
  dir: string;
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
  dispose(): Promise<void>;
}

export async function makeSelfSignedCertificate(): Promise<Certificate> {
  if (OPENSSL === undefined) throw new Error('openssl is not installed');
  const dir = await mkdtemp(join(tmpdir(), 'broker-cert-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await new Promise<void>((resolve, reject) => {
    execFile(
      OPENSSL,
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { timeout: 20_000 },
      (error, _stdout, stderr) =>
        error ? reject(new Error(`openssl failed: ${stderr || error.message}`)) : resolve(),
    );
  });
  return {
    dir,
    certFile,
    keyFile,
    cert: await readFile(certFile),
    key: await readFile(keyFile),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
