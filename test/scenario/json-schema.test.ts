// scenarios/scenario.schema.json is generated from the TypeBox schema; this fails when it is stale,
// and checks that the file itself (not just the in-memory schema) accepts and rejects scenarios.
import { readFile, readdir } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildJsonSchema } from '../../harness/scenario/index.js';

describe('scenario.schema.json', () => {
  it('is up to date (run: npx tsx scripts/gen-schema.ts)', async () => {
    const onDisk = JSON.parse(await readFile('scenarios/scenario.schema.json', 'utf8')) as unknown;
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(buildJsonSchema())));
  });

  it('validates the shipped scenarios and rejects an unknown key', async () => {
    const schema = JSON.parse(await readFile('scenarios/scenario.schema.json', 'utf8')) as object;
    const validate = new Ajv({ strict: false, allowUnionTypes: true }).compile(schema);
    const files = (await readdir('scenarios/basic')).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const data = parse(await readFile(`scenarios/basic/${file}`, 'utf8')) as unknown;
      expect(validate(data), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(validate({ name: 'x', steps: [{ wait: 1 }], colour: 'red' })).toBe(false);
    expect(
      validate({ name: 'x', steps: [{ send: { packet: { type: 'publish', topic: 't', qoss: 1 } } }] }),
    ).toBe(false);
  });
});
