// Where file reporters write: `<outputDir>/<file>`, or stdout when no output directory is set.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReporterContext } from './types.js';

export async function writeReport(
  ctx: ReporterContext,
  fileName: string,
  content: string,
  fallbackDir?: string,
): Promise<void> {
  const dir = ctx.outputDir || fallbackDir;
  if (!dir) {
    ctx.stdout.write(content);
    return;
  }
  await mkdir(dir, { recursive: true });
  const file = join(dir, fileName);
  await writeFile(file, content, 'utf8');
  ctx.onWrite?.(file);
}
