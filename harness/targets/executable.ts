// Finding a broker executable and asking it for its version.
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** Directories searched after PATH: daemons such as mosquitto live in sbin, often not on a user's PATH. */
const EXTRA_DIRECTORIES = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** Absolute path of an executable, or undefined when it is not installed. */
export async function findExecutable(
  command: string,
  baseDir: string,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  if (command.includes('/')) {
    const file = isAbsolute(command) ? command : resolve(baseDir, command);
    return (await isExecutable(file)) ? file : undefined;
  }
  const directories = [...(env['PATH'] ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRECTORIES];
  for (const directory of directories) {
    const file = join(directory, command);
    if (await isExecutable(file)) return file;
  }
  return undefined;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs `file args` (3 s limit) and returns the first version number in its output, whatever its exit code. */
export function readVersion(file: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolveVersion) => {
    execFile(file, args, { timeout: 3000, encoding: 'utf8' }, (_error, stdout, stderr) => {
      const match = /\b(\d+\.\d+(?:\.\d+)?)\b/.exec(`${stdout}\n${stderr}`);
      resolveVersion(match?.[1]);
    });
  });
}
