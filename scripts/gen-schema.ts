// Writes scenarios/scenario.schema.json from the TypeBox schema (harness/scenario/schema.ts),
// formatted by prettier like the rest of the tree.
// Run: npx tsx scripts/gen-schema.ts   (test/scenario/json-schema.test.ts fails when the file is stale)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { buildJsonSchema } from '../harness/scenario/json-schema.js';

const target = fileURLToPath(new URL('../scenarios/scenario.schema.json', import.meta.url));
const options = (await resolveConfig(target)) ?? {};
writeFileSync(target, await format(JSON.stringify(buildJsonSchema()), { ...options, filepath: target }));
process.stdout.write(`wrote ${target}\n`);
