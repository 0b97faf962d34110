// catalogue.test.mjs — every UI string written in the C sources has a Chinese
// translation in po/zh_CN.po (otherwise the Chinese pages show English).
//
// Scanned (literals only; adjacent literals are joined as C does):
//   T(x, "...")                              anywhere in src/**/*.c
//   pillar(r, "title", "intro", ...)         the pillar page helper
//   zd_nav[] = { {"label", "/href", "hint"} } the navigation table
//   label tables: static const struct { const char *key, *label; ... } x[] = { {"key", "Label", ...} }
//                (org kinds, roles: their labels are shown through T())
//   page_error titles are T() calls and so covered above.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib.mjs';

function cFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...cFiles(p));
    else if (e.name.endsWith('.c')) out.push(p);
  }
  return out.sort();
}

/** Decode a run of adjacent C string literals ("a" "b") into one JS string (UTF-8 source). */
function cString(run) {
  let s = '';
  for (const m of run.matchAll(/"((?:[^"\\\n]|\\.)*)"/g)) {
    s += m[1].replace(/\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, (_, e) => {
      if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
      if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
      return { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', "'": "'", '?': '?', a: '\x07', b: '\b', f: '\f', v: '\v' }[e] ?? e;
    });
  }
  return s;
}

/** Drop comments but keep string literals (and line numbers) intact. */
function stripComments(src) {
  return src.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (m) =>
    m.startsWith('/*') || m.startsWith('//') ? m.replace(/[^\n]/g, ' ') : m);
}

const LIT = String.raw`"(?:[^"\\\n]|\\.)*"`;
const LITS = `((?:${LIT}\\s*)+)`;

/** [{ msgid, where }] of the UI strings found in the C sources. */
function sourceMsgids() {
  const found = [];
  for (const file of cFiles(path.join(ROOT, 'src'))) {
    const src = stripComments(readFileSync(file, 'utf8'));
    const rel = path.relative(ROOT, file);
    const lineOf = (i) => src.slice(0, i).split('\n').length;
    const add = (msgid, i) => found.push({ msgid, where: `${rel}:${lineOf(i)}` });
    for (const m of src.matchAll(new RegExp(String.raw`\bT\(\s*[A-Za-z_][\w>.-]*\s*,\s*${LITS}\)`, 'g'))) add(cString(m[1]), m.index);
    for (const m of src.matchAll(new RegExp(String.raw`\bpillar\(\s*\w+\s*,\s*${LITS},\s*${LITS},`, 'g'))) {
      add(cString(m[1]), m.index);
      add(cString(m[2]), m.index);
    }
    for (const t of src.matchAll(/struct\s*\{\s*const\s+char\s*\*\s*key\s*,\s*\*\s*label\s*;[^}]*\}\s*\w+\s*\[[^\]]*\]\s*=\s*\{([\s\S]*?)\n\};/g)) {
      const start = t.index + t[0].length - t[1].length - '\n};'.length; // where the entries begin
      for (const m of t[1].matchAll(new RegExp(String.raw`\{\s*${LIT}\s*,\s*${LITS}`, 'g'))) add(cString(m[1]), start + m.index);
    }
    const nav = /\bzd_nav\s*\[\s*\]\s*=\s*\{([\s\S]*?)\n\};/.exec(src);
    if (nav) {
      for (const m of nav[1].matchAll(new RegExp(String.raw`\{\s*${LITS},\s*${LITS},\s*${LITS}\}`, 'g'))) {
        const i = nav.index + m.index;
        add(cString(m[1]), i);
        add(cString(m[3]), i);
      }
    }
  }
  return found;
}

/** Map msgid -> msgstr of a .po file (multi-line strings joined). */
function readPo(file) {
  const map = new Map();
  let id = null, str = null, state = null;
  const flush = () => { if (id !== null) map.set(id, str ?? ''); id = str = state = null; };
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || line === '') continue;
    let m;
    if ((m = /^msgid\s+(".*")$/.exec(line))) { flush(); id = cString(m[1]); state = 'id'; }
    else if ((m = /^msgstr\s+(".*")$/.exec(line))) { str = cString(m[1]); state = 'str'; }
    else if (/^".*"$/.test(line)) {
      if (state === 'id') id += cString(line);
      else if (state === 'str') str += cString(line);
    }
  }
  flush();
  return map;
}

test('the scan finds the UI strings (sanity)', () => {
  const ids = new Set(sourceMsgids().map((f) => f.msgid));
  for (const known of ['zhendi', 'Page not found', 'Upgrade', 'Centers, renovation, plaques, inspections', 'Address', 'Village'])
    assert.ok(ids.has(known), `scanner missed ${JSON.stringify(known)}`);
  assert.ok(ids.size >= 20, `only ${ids.size} msgids found`);
});

test('every T(r, "...") / nav / pillar / label-table msgid has a non-empty msgstr in po/zh_CN.po', () => {
  const po = readPo(path.join(ROOT, 'po', 'zh_CN.po'));
  const missing = [];
  const seen = new Set();
  for (const { msgid, where } of sourceMsgids()) {
    if (seen.has(msgid)) continue;
    seen.add(msgid);
    const tr = po.get(msgid);
    if (!tr) missing.push(`${where}: ${JSON.stringify(msgid)}${po.has(msgid) ? ' (empty msgstr)' : ''}`);
  }
  assert.deepEqual(missing, [], `${missing.length} UI string(s) without a Chinese translation:\n  ${missing.join('\n  ')}`);
});

test('po/zh_CN.po has no duplicate msgid', () => {
  const ids = [...readFileSync(path.join(ROOT, 'po', 'zh_CN.po'), 'utf8').matchAll(/^msgid\s+(".*")$/gm)].map((m) => cString(m[1]));
  const dup = ids.filter((x, i) => ids.indexOf(x) !== i);
  assert.deepEqual(dup, []);
});
