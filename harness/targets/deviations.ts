// Known deviations of a target: what it does where it breaks a normative statement, and why.
// One YAML file per target kind in ./deviations/<kind>.yaml; a target config may name another file.
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import { checkDocument, formatIssue } from '../validation/index.js';
import { TargetError } from './errors.js';
import type { KnownDeviation } from './types.js';
import { MQTT_VERSIONS, literalUnion } from '../vocabulary.js';

export const DeviationFileSchema = Type.Object(
  {
    // `deviations:` with nothing under it (null) means none, like an empty file.
    deviations: Type.Optional(
      Type.Union([
        Type.Null(),
        Type.Array(
          Type.Object(
            {
              scenario: Type.String({ minLength: 1 }),
              statement: Type.String({ pattern: '^MQTT-\\d+(\\.\\d+)*-\\d+$' }),
              mqtt: Type.Optional(literalUnion(MQTT_VERSIONS)),
              behaviour: Type.String({ minLength: 1 }),
              reason: Type.String({ minLength: 1 }),
            },
            { additionalProperties: false },
          ),
        ),
      ]),
    ),
  },
  { additionalProperties: false },
);

const KIND_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * `source` is a kind name ('mosquitto': the bundled file, absent file = none) or a path to a file
 * (relative to `baseDir`; it must exist).
 */
export async function loadDeviations(source: string, baseDir: string): Promise<KnownDeviation[]> {
  if (KIND_NAME.test(source)) {
    for (const file of bundledCandidates(source)) {
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text !== undefined) return parseDeviations(text, file);
    }
    return [];
  }
  const file = isAbsolute(source) ? source : resolve(baseDir, source);
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new TargetError(
      'deviations-invalid',
      `cannot read deviations file ${file}: ${(error as Error).message}`,
    );
  });
  return parseDeviations(text, file);
}

export function parseDeviations(text: string, file: string): KnownDeviation[] {
  // An empty file means none.
  const { source, value, issues } = checkDocument(text, file, DeviationFileSchema, {
    empty: {},
    message: (error, path) =>
      error.keyword === 'pattern' && path[path.length - 1] === 'statement'
        ? 'must be a statement id like MQTT-3.1.2-24'
        : undefined,
  });
  if (!source) {
    throw new TargetError(
      'deviations-invalid',
      `cannot parse ${file}: ${issues.map(formatIssue).join('; ')}`,
    );
  }
  if (value === undefined) {
    const lines = issues.map(formatIssue).join('\n  ');
    throw new TargetError('deviations-invalid', `invalid deviations file:\n  ${lines}`);
  }
  return (value.deviations ?? []).map((entry) => ({
    scenario: entry.scenario,
    statement: entry.statement,
    ...(entry.mqtt === undefined ? {} : { mqttVersion: entry.mqtt }),
    description: entry.behaviour,
    reason: entry.reason,
  }));
}

/** harness/targets/deviations next to this file (tsx), or from dist/ back to the source tree. */
function bundledCandidates(kind: string): string[] {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return [
    resolve(here, 'deviations', `${kind}.yaml`),
    resolve(here, '../../../harness/targets/deviations', `${kind}.yaml`),
  ];
}
