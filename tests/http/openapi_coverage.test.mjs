// openapi_coverage.test.mjs — docs/api/openapi.yaml and the route table agree.
//
//   * every /api/ route of src/routes.c (method + path) is documented;
//   * every documented operation still exists in src/routes.c;
//   * no path, and no method of a path, is documented twice (YAML would keep
//     only the last one silently);
//   * the x-permission of each documented operation is the route's permission.
//
// No server and no npm dependency: routes.c is read by parseRoutes() and the
// YAML line by line (the keys under `paths:` and their method keys).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseRoutes } from './auth_lib.mjs';
import { ROOT } from './lib.mjs';

const SPEC = path.join(ROOT, 'docs', 'api', 'openapi.yaml');
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

/** A route pattern as an OpenAPI path: captures are {name} in both (a capture
 ** with a suffix such as {name:rule} would lose the suffix). */
export const toOpenApiPath = (pattern) => pattern.replace(/\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}/g, '{$1}');

const unquote = (k) => (/^(['"]).*\1$/.test(k) ? k.slice(1, -1) : k);

/**
 * The operations under the top-level `paths:` key of an OpenAPI document in
 * block-style YAML. Returns { ops: [{ path, method, line, permission }], dups: [text] }.
 * A path is a key one level under `paths:`; its methods are keys one level
 * deeper (other keys there, such as parameters, are skipped); x-permission is
 * read one level under the method. Lines of block scalars and flow values are
 * deeper than any of these keys, so they are never taken for keys.
 */
export function parseSpecPaths(text) {
  const lines = text.split(/\r?\n/);
  const ops = [];
  const dups = [];
  const seenPaths = new Map();
  let inPaths = false;
  let pathIndent = -1;
  let cur = null; // { path, methodIndent, methods: Map }
  let op = null; // { ..., keyIndent }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*(#.*)?$/.test(line)) continue; // blank or comment
    if (/^\S/.test(line)) { // a top-level key
      inPaths = /^paths:\s*(#.*)?$/.test(line);
      cur = null;
      op = null;
      continue;
    }
    if (!inPaths) continue;
    const indent = line.length - line.trimStart().length;
    const key = /^\s*('[^']*'|"[^"]*"|[^\s:'"][^:]*?):(\s|$)/.exec(line);
    if (pathIndent < 0) pathIndent = indent;
    if (indent < pathIndent) throw new Error(`openapi.yaml line ${i + 1}: indented less than the paths`);
    if (indent === pathIndent) {
      assert.ok(key, `openapi.yaml line ${i + 1}: a path key was expected: ${line}`);
      const p = unquote(key[1].trim());
      assert.ok(p.startsWith('/'), `openapi.yaml line ${i + 1}: a path starts with '/': ${p}`);
      if (seenPaths.has(p)) dups.push(`path ${p} (lines ${seenPaths.get(p)} and ${i + 1})`);
      seenPaths.set(p, i + 1);
      cur = { path: p, methodIndent: -1, methods: new Map() };
      op = null;
      continue;
    }
    if (!cur) continue;
    if (cur.methodIndent < 0) cur.methodIndent = indent;
    if (indent === cur.methodIndent) {
      op = null;
      if (!key) continue;
      const k = unquote(key[1].trim());
      if (!METHODS.has(k)) continue; // parameters, summary, description, $ref, servers
      const m = k.toUpperCase();
      if (cur.methods.has(m)) dups.push(`${m} ${cur.path} (lines ${cur.methods.get(m)} and ${i + 1})`);
      cur.methods.set(m, i + 1);
      op = { path: cur.path, method: m, line: i + 1, permission: null, keyIndent: -1 };
      ops.push(op);
      continue;
    }
    if (op && indent > cur.methodIndent) {
      if (op.keyIndent < 0) op.keyIndent = indent;
      const perm = /^\s*x-permission:\s*(PERM_[A-Z_]+)\s*(#.*)?$/.exec(line);
      if (indent === op.keyIndent && perm) op.permission = perm[1];
    }
  }
  for (const o of ops) delete o.keyIndent;
  return { ops, dups };
}

const routes = parseRoutes();
const spec = parseSpecPaths(readFileSync(SPEC, 'utf8'));
const opKey = (method, p) => `${method} ${p}`;
const routeKeys = new Map(routes.map((r) => [opKey(r.method, toOpenApiPath(r.pattern)), r]));
const docKeys = new Map(spec.ops.map((o) => [opKey(o.method, o.path), o]));
const list = (xs) => xs.map((x) => `\n  ${x}`).join('');

test('the parsers read both files', () => {
  assert.ok(routes.length > 100, `only ${routes.length} routes parsed from routes.c`);
  assert.ok(spec.ops.length > 20, `only ${spec.ops.length} operations parsed from openapi.yaml`);
  // one known operation of each kind of entry, so that a parser gone blind fails here
  for (const k of ['GET /api/v1/me', 'POST /api/v1/session', 'DELETE /api/v1/session', 'GET /healthz']) {
    assert.ok(docKeys.has(k), `${k} not found in openapi.yaml by the line parser`);
    assert.ok(routeKeys.has(k), `${k} not found in routes.c`);
  }
});

test('every /api/ route of routes.c is documented in openapi.yaml', () => {
  const missing = [...routeKeys.keys()].filter((k) => k.split(' ')[1].startsWith('/api/') && !docKeys.has(k));
  assert.deepEqual(missing, [], `routes of src/routes.c missing from docs/api/openapi.yaml:${list(missing)}`);
});

test('every operation documented in openapi.yaml exists in routes.c', () => {
  // HEAD is served by GET
  const has = (k) => routeKeys.has(k) || (k.startsWith('HEAD ') && routeKeys.has(`GET ${k.slice(5)}`));
  const stale = spec.ops.filter((o) => !has(opKey(o.method, o.path))).map((o) => `${opKey(o.method, o.path)} (line ${o.line})`);
  assert.deepEqual(stale, [], `operations of docs/api/openapi.yaml that src/routes.c does not have:${list(stale)}`);
});

test('no path or method is documented twice', () => {
  assert.deepEqual(spec.dups, [], `documented twice in docs/api/openapi.yaml:${list(spec.dups)}`);
});

test('the x-permission of each documented operation is the route\'s permission', () => {
  const wrong = [];
  for (const o of spec.ops) {
    const r = routeKeys.get(opKey(o.method, o.path));
    if (!r) continue; // reported above
    if (o.permission !== r.perm) wrong.push(`${opKey(o.method, o.path)}: x-permission ${o.permission ?? '(none)'}, routes.c ${r.perm} (line ${o.line})`);
  }
  assert.deepEqual(wrong, [], `x-permission differs from src/routes.c:${list(wrong)}`);
});
