// A local ESLint plugin: the project's dependency rules, checked on resolved paths rather than on
// import strings, so that `../../load/x.js` from a nested folder is caught as surely as `../load/x.js`.
// The layers and what each may import are listed once, in LAYERS below; docs/architecture.md
// describes them.
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * Each layer: the files it covers (repo-relative prefixes) and the repo-relative prefixes its
 * imports may reach. The first layer whose `files` match a file applies. Packages from npm and
 * node: builtins are always allowed.
 */
export const LAYERS = [
  {
    name: 'wire',
    files: ['wire/'],
    allow: ['wire/'],
    why: 'wire/ is the bottom layer and imports nothing of ours.',
  },
  {
    name: 'broker',
    files: ['broker/'],
    allow: ['broker/', 'wire/'],
    why: 'broker/ imports only wire/.',
  },
  {
    name: 'reporters',
    files: ['harness/reporters/'],
    allow: ['harness/reporters/', 'harness/result/', 'harness/compare/model.ts', 'harness/vocabulary.ts'],
    why: 'Reporters (render/ included) render the result model only: harness/result/, the compare model and the vocabulary.',
  },
];

/** The public module of a folder that other folders must import through. */
const PUBLIC = [{ folder: 'broker/', entry: 'broker/index.ts', from: ['harness/', 'scripts/', 'bench/'] }];

function resolveImport(file, spec) {
  if (!spec.startsWith('.')) return undefined;
  const abs = path.resolve(path.dirname(file), spec);
  return path.relative(ROOT, abs).split(path.sep).join('/').replace(/\.js$/, '.ts');
}

function repoPath(file) {
  return path.relative(ROOT, file).split(path.sep).join('/');
}

function sources(node) {
  if (node.type === 'ImportExpression') return node.source.type === 'Literal' ? node.source : undefined;
  return node.source ?? undefined;
}

const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports stay inside the layer rules of docs/architecture.md' },
    schema: [],
    messages: { outside: '{{file}} may not import {{target}}: {{why}}' },
  },
  create(context) {
    const file = repoPath(context.filename);
    const layer = LAYERS.find((l) => l.files.some((prefix) => file.startsWith(prefix)));
    if (layer === undefined) return {};
    const check = (node) => {
      const source = sources(node);
      if (source === undefined || typeof source.value !== 'string') return;
      const target = resolveImport(context.filename, source.value);
      if (target === undefined) return;
      if (layer.allow.some((prefix) => target.startsWith(prefix))) return;
      context.report({ node: source, messageId: 'outside', data: { file, target, why: layer.why } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

const publicModule = {
  meta: {
    type: 'problem',
    docs: { description: 'Other folders reach broker/ only through broker/index.ts' },
    schema: [],
    messages: { internal: '{{target}} is internal to {{folder}}: import {{entry}} instead.' },
  },
  create(context) {
    const file = repoPath(context.filename);
    const check = (node) => {
      const source = sources(node);
      if (source === undefined || typeof source.value !== 'string') return;
      const target = resolveImport(context.filename, source.value);
      if (target === undefined) return;
      for (const rule of PUBLIC) {
        if (!rule.from.some((prefix) => file.startsWith(prefix))) continue;
        if (target.startsWith(rule.folder) && target !== rule.entry) {
          context.report({
            node: source,
            messageId: 'internal',
            data: { target, folder: rule.folder, entry: rule.entry },
          });
        }
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

/** Modules that are a public entry of their own (the compare model, which reporters render). */
const OWN_ENTRIES = ['harness/compare/model.ts'];
/**
 * Folders that are one subsystem and import each other's modules directly: a shard is a slice of a
 * load's plan (load/ needs shard/segment) and the shard launcher and merge drive the load engine
 * (shard/ needs load/). Going through either index would make each index load the other: a cycle.
 */
const SIBLINGS = [['harness/load/', 'harness/shard/']];

/**
 * Within harness/, a file reaches another top-level folder (harness/load/, harness/network/, ...)
 * through that folder's index.ts. Files of the folder itself, and the folder's own sub-folders,
 * import each other directly.
 */
const viaIndex = {
  meta: {
    type: 'suggestion',
    docs: { description: 'Reach another harness folder through its index.ts' },
    schema: [],
    messages: { skip: '{{target}} skips {{folder}}index.ts' },
  },
  create(context) {
    const file = repoPath(context.filename);
    if (!file.startsWith('harness/')) return {};
    const own = file.split('/').slice(0, 2).join('/') + '/';
    const check = (node) => {
      const source = sources(node);
      if (source === undefined || typeof source.value !== 'string') return;
      const target = resolveImport(context.filename, source.value);
      if (target === undefined || !target.startsWith('harness/')) return;
      const parts = target.split('/');
      if (parts.length < 3) return; // harness/x.ts: a top-level module
      const folder = parts.slice(0, 2).join('/') + '/';
      if (folder === own) return;
      if (SIBLINGS.some((pair) => pair.includes(own) && pair.includes(folder))) return;
      if (target === folder + 'index.ts' || OWN_ENTRIES.includes(target)) return;
      context.report({ node: source, messageId: 'skip', data: { target, folder } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default { rules: { layers, 'public-module': publicModule, 'via-index': viaIndex } };
