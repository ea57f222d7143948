// The layer table and the lint rules that enforce it: which folders a file may import from, by where it runs
// (in the style of VS Code's code-layering check), and no import cycles, type-only imports included.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * One row per layer; a file belongs to the first row whose folder holds it. `may`: layers it may import values
 * from; `typesFrom`: layers it may import only types from; `electron`: whether it may import 'electron';
 * `packages`: when given, the only npm packages it may import (Node's built-ins count as packages).
 */
export const LAYERS = [
  {
    layer: 'core',
    folder: 'src/core/',
    may: ['core'],
    why: 'src/core is plain Node: certificates, plans and checks, for every front end.',
  },
  {
    layer: 'shared',
    folder: 'src/shared/',
    may: ['shared'],
    typesFrom: ['core'],
    why: 'src/shared is what main and the renderer both read: method schemas, result types, channel names.',
  },
  {
    layer: 'preload',
    folder: 'src/main/preload.ts',
    may: [],
    plainFrom: ['src/shared/methods.ts', 'src/shared/channels.ts'],
    electron: true,
    packages: [],
    why: 'The sandboxed preload is bundled alone: it may read only the plain method list and channel names (and types).',
  },
  {
    layer: 'ipc',
    folder: 'src/main/ipc/',
    may: ['ipc', 'shared', 'core'],
    why: 'src/main/ipc serves both transports (Electron and the preview), so it never imports electron.',
  },
  {
    layer: 'electron',
    folder: 'src/main/',
    may: ['electron', 'ipc', 'shared', 'core'],
    electron: true,
    why: 'src/main holds the only files that import electron.',
  },
  {
    layer: 'preview',
    folder: 'src/preview/',
    may: ['preview', 'ipc', 'shared', 'core'],
    why: 'The browser preview carries the same router over a WebSocket; it never imports electron.',
  },
  {
    layer: 'cli',
    folder: 'src/cli/',
    may: ['cli', 'shared', 'core'],
    why: 'The onboard command line calls the core directly.',
  },
  {
    layer: 'renderer',
    folder: 'renderer/',
    may: ['renderer'],
    typesFrom: ['shared'],
    packages: ['react', 'react-dom', 'zustand'],
    why: 'The renderer runs in a sandboxed page and knows main only through the types of src/shared.',
  },
];

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const rel = (abs) => relative(root, abs).split(sep).join('/');
const layerOf = (path) => LAYERS.find((l) => (l.folder.endsWith('/') ? path.startsWith(l.folder) : path === l.folder));

function packageName(spec) {
  if (spec.startsWith('node:')) return 'node';
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** True when the declaration brings in only types (`import type`, or every specifier `type`). */
function typeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specs = node.specifiers ?? [];
  return specs.length > 0 && specs.every((s) => s.importKind === 'type' || s.exportKind === 'type');
}

const rule = {
  meta: { type: 'problem', schema: [], docs: { description: 'Imports follow the layer table in eslint-layers.mjs.' } },
  create(context) {
    const file = rel(context.filename);
    const own = layerOf(file);
    if (!own) return {};
    const check = (node, spec, isType) => {
      if (typeof spec !== 'string') return;
      const report = (what) => context.report({ node, message: `${what} ${own.why}` });
      if (spec.startsWith('.')) {
        const target = rel(resolve(dirname(context.filename), spec));
        const targetFile = /\.[a-z]+$/.test(target) ? target : `${target}.ts`;
        if (own.plainFrom) {
          if (isType && targetFile.startsWith('src/shared/')) return;
          if (!own.plainFrom.includes(targetFile)) report(`${file} may import only ${own.plainFrom.join(' and ')}.`);
          return;
        }
        const to = layerOf(targetFile) ?? layerOf(`${target}/`);
        if (!to || to.layer === own.layer || own.may.includes(to.layer)) return;
        if (isType && own.typesFrom?.includes(to.layer)) return;
        if (own.typesFrom?.includes(to.layer)) report(`Import only types from ${to.folder} here: \`import type\`.`);
        else report(`${own.folder} (${own.layer}) may not import ${to.folder} (${to.layer}).`);
        return;
      }
      const pkg = packageName(spec);
      if (pkg === 'electron') {
        if (!own.electron) report(`Only src/main/ imports electron; ${file} may not.`);
        return;
      }
      if (own.packages && !own.packages.includes(pkg)) report(`${file} may not import '${spec}'.`);
    };
    return {
      ImportDeclaration: (n) => check(n, n.source.value, typeOnly(n)),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value, typeOnly(n)),
      ExportAllDeclaration: (n) => check(n, n.source.value, n.exportKind === 'type'),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value, false),
      CallExpression: (n) =>
        n.callee.type === 'Identifier' &&
        n.callee.name === 'require' &&
        n.arguments[0]?.type === 'Literal' &&
        check(n, n.arguments[0].value, false),
    };
  },
};

// Import cycles. eslint-plugin-import's no-cycle skips type-only imports, but a type-only cycle still ties two
// modules together (the renderer's store and its slices were one), so imports are read with TypeScript's own
// pre-processor, which lists every import, export-from and import() of a file, types included.
const importCache = new Map();

function resolveRelative(fromFile, spec) {
  const base = resolve(dirname(fromFile), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function importsOf(file, text) {
  const mtime = text === undefined ? statSync(file).mtimeMs : -1;
  const cached = importCache.get(file);
  if (text === undefined && cached && cached.mtime === mtime) return cached.targets;
  const source = text ?? readFileSync(file, 'utf8');
  const targets = ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => resolveRelative(file, spec))
    .filter((t) => t !== null && /\.tsx?$/.test(t));
  if (text === undefined) importCache.set(file, { mtime, targets });
  return targets;
}

/** A path of imports from `start` back to `goal`, or null. */
function pathBack(start, goal) {
  const seen = new Set();
  const stack = [[start, [start]]];
  while (stack.length > 0) {
    const [file, path] = stack.pop();
    if (file === goal) return path;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const next of importsOf(file)) stack.push([next, [...path, next]]);
  }
  return null;
}

const noCycle = {
  meta: { type: 'problem', schema: [], docs: { description: 'No import cycles, type-only imports included.' } },
  create(context) {
    const file = context.filename;
    if (!layerOf(rel(file))) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = resolveRelative(file, spec);
      if (!target) return;
      const path = target === file ? [file] : pathBack(target, file);
      if (path) context.report({ node, message: `Import cycle: ${[file, ...path].map(rel).join(' → ')}.` });
    };
    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
    };
  },
};

export const layersPlugin = { rules: { layers: rule, 'no-cycle': noCycle } };
