/**
 * ESLint rule: no cycle between rooms. A room is a folder of src/ (each module of src/modules/ is
 * one) or a file directly in src/. import-x/no-cycle sees cycles between files only; this one sees
 * that `modules/x → graphql/ → services.ts → modules/x` is a loop even when no file loops. Type-only
 * imports count (they are arrows too). One exception, between two modules: using another module's
 * vocabulary (an entity, or a file standing only on the ground floor and graphql/, like images'
 * formats and sizes) is not an arrow into its workings, so it never closes a cycle.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|(?:^|\n)\s*import\s+['"](\.{1,2}\/[^'"]+)['"]/g;
/** Rooms below everything: anyone may import them, and they import no domain room. */
const GROUND = new Set(['auth', 'adapter', 'errors.ts', 'error-codes.ts', 'config.ts', 'clock.ts', 'logger.ts']);

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

export function roomOf(srcDir, file) {
  const parts = relative(srcDir, file).split(sep);
  if (parts.length === 1) return parts[0];
  return parts[0] === 'modules' && parts.length > 2 ? `modules/${parts[1]}` : parts[0];
}

function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const out = [];
  for (const m of text.matchAll(IMPORT)) {
    const target = resolve(dirname(file), m[1] ?? m[2]);
    if (existsSync(target)) out.push(target);
  }
  return out;
}

/** The room graph of src/ and its strongly connected components (Tarjan), recomputed when a file changes. */
let cache = { key: '', graph: null };
export function roomGraph(srcDir) {
  const files = walk(srcDir);
  const key = files.map((f) => `${f}:${statSync(f).mtimeMs}`).join('|');
  if (cache.key === key) return cache.graph;
  const imports = new Map(files.map((f) => [f, importsOf(f)]));
  // a module's vocabulary: an entity, or a file standing only on the ground floor, graphql/ (enums)
  // and vocabulary of its own room; another module may use it without that being an arrow back up
  const vocabulary = new Map();
  const isVocabulary = (f) => {
    if (f.endsWith('.entity.ts')) return true;
    if (vocabulary.has(f)) return vocabulary.get(f);
    vocabulary.set(f, false); // an import loop is not vocabulary
    const room = roomOf(srcDir, f);
    const result = (imports.get(f) ?? []).every((t) => {
      const to = roomOf(srcDir, t);
      return GROUND.has(to) || to === 'graphql' || (to === room && isVocabulary(t));
    });
    vocabulary.set(f, result);
    return result;
  };
  const isModule = (room) => room.startsWith('modules/');
  /** Edges between two modules into the target's vocabulary do not count; every other arrow does. */
  const counts = (from, to, target) => !(isModule(from) && isModule(to) && isVocabulary(target));
  const edges = new Map();
  for (const [file, targets] of imports) {
    const from = roomOf(srcDir, file);
    for (const target of targets) {
      const to = roomOf(srcDir, target);
      if (to === from || !target.startsWith(srcDir) || !counts(from, to, target)) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from).add(to);
    }
  }
  let index = 0;
  const idx = new Map(), low = new Map(), stack = [], on = new Set(), component = new Map();
  const connect = (v) => {
    idx.set(v, index); low.set(v, index++); stack.push(v); on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) { connect(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const members = [];
      let w;
      do { w = stack.pop(); on.delete(w); members.push(w); } while (w !== v);
      members.sort();
      if (members.length > 1) for (const m of members) component.set(m, members);
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) connect(v);
  const graph = { component, counts };
  cache = { key, graph };
  return graph;
}

export const noRoomCycle = {
  meta: { type: 'problem', schema: [], messages: { cycle: 'Import closes a cycle between rooms: {{rooms}}. Imports point down; move the shared type below both rooms.' } },
  create(context) {
    const file = context.filename;
    const srcDir = resolve(context.cwd, 'src');
    if (!file.startsWith(srcDir + sep)) return {};
    const { component, counts } = roomGraph(srcDir);
    const from = roomOf(srcDir, file);
    const loop = component.get(from);
    if (!loop) return {};
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = resolve(dirname(file), spec);
      const to = roomOf(srcDir, target);
      if (to !== from && target.startsWith(srcDir) && loop.includes(to) && existsSync(target) && counts(from, to, target)) {
        context.report({ node, messageId: 'cycle', data: { rooms: loop.join(' → ') } });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};
