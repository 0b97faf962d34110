// auth_lib.mjs — helpers of the identity, access and audit tests (on top of lib.mjs).
//
//   DEMO_PW, DEMO_USERS      the demo logins of `zhendi init --demo`
//   call()                   one HTTP request with a Bearer token or a session (cookie + CSRF)
//   login(), createToken()   open a session / make an API token through the API
//   sql(), sqlOk()           the sqlite3 CLI on a test database
//   auditCount(), auditRows() the audit trail as stored
//   assertJsonError()        a response is exactly {"error":{"code","message"}}
//   runCliInput()            run the binary with bytes on its standard input
//   parseRoutes()            the route table of src/routes.c
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { BIN, ROOT, freshPgDatabase } from './lib.mjs';

export const DEMO_PW = 'zhendi-demo';
/** login -> [role, scope] of the demo users (src/modules/demo/demo.c). */
export const DEMO_USERS = {
  county: ['county-admin', 'liangdang'],
  township: ['township-admin', 'zhanerxiang'],
  leader: ['area-leader', 'renhe'], // and area-leader at yinxing
  'renhe-admin': ['center-admin', 'renhe'],
  'renhe-cadre': ['cadre', 'renhe'],
  'renhe-supervisor': ['supervisor', 'renhe'],
  'renhe-member': ['member', 'renhe-dzb'],
  'yinxing-admin': ['center-admin', 'yinxing'],
};
export const DEMO_LOGINS = Object.keys(DEMO_USERS);

export const sha256hex = (s) => createHash('sha256').update(s).digest('hex');

/**
 * One request. opts:
 *   auth     { token } for Bearer, or a session { cookie, csrf } from login()
 *   csrf     override the CSRF header: a string, or false to send none (default: the session's on unsafe methods)
 *   json     a value sent as application/json
 *   form     an object sent as application/x-www-form-urlencoded
 *   body, headers, cookies (extra cookie pairs {name: value})
 * Resolves { status, headers, text, json (parsed or null), setCookies, location, res }.
 */
export async function call(base, method, p, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  const cookies = { ...(opts.cookies || {}) };
  const a = opts.auth;
  if (a && a.token) headers.Authorization = `Bearer ${a.token}`;
  if (a && a.cookie) cookies.zd_session = a.cookie;
  const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(method);
  if (opts.csrf !== undefined) {
    if (opts.csrf !== false) headers['X-CSRF-Token'] = opts.csrf;
  } else if (a && a.cookie && a.csrf && unsafe && !opts.form) {
    headers['X-CSRF-Token'] = a.csrf;
  }
  const cookieStr = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ');
  if (cookieStr) headers.Cookie = cookieStr;
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  }
  const res = await fetch(base + p, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let json = null;
  if ((res.headers.get('content-type') || '').startsWith('application/json') && text) {
    try { json = JSON.parse(text); } catch { json = null; }
  }
  return {
    status: res.status,
    headers: res.headers,
    text,
    json,
    setCookies: res.headers.getSetCookie(),
    location: res.headers.get('location'),
    res,
  };
}

/** The value of cookie `name` in a list of Set-Cookie lines, with its attributes; or null. */
export function findSetCookie(setCookies, name) {
  for (const line of setCookies) {
    const [pair, ...attrs] = line.split(';').map((s) => s.trim());
    const i = pair.indexOf('=');
    if (pair.slice(0, i) === name) return { value: pair.slice(i + 1), attrs, line };
  }
  return null;
}

/**
 * POST /api/v1/session. Resolves { status, cookie, csrf, setCookie (attrs), body, r }.
 * Throws unless the login worked, when `expect` is not given.
 */
export async function login(base, loginName, password = DEMO_PW, { headers, expect = 200 } = {}) {
  const r = await call(base, 'POST', '/api/v1/session', { json: { login: loginName, password }, headers });
  if (expect !== null) assert.equal(r.status, expect, `login ${loginName}: ${r.status} ${r.text}`);
  const sc = findSetCookie(r.setCookies, 'zd_session');
  return { status: r.status, cookie: sc ? sc.value : null, csrf: r.json ? r.json.csrf_token : null, setCookie: sc, body: r.json, r };
}

/** POST /api/v1/tokens with a session (or Bearer) auth; resolves { id, token }. */
export async function createToken(base, auth, label = 'test') {
  const r = await call(base, 'POST', '/api/v1/tokens', { auth, json: { label } });
  assert.equal(r.status, 201, `token create: ${r.status} ${r.text}`);
  return { id: r.json.id, token: r.json.token, label: r.json.label };
}

/** A Bearer token for each demo login: { login: { token, id } }. */
export async function demoTokens(base, logins = DEMO_LOGINS) {
  const out = {};
  for (const l of logins) {
    const s = await login(base, l);
    out[l] = await createToken(base, s, `matrix-${l}`);
  }
  return out;
}

/** Assert a response is exactly the JSON error shape with that status and code; returns the message. */
export function assertJsonError(r, status, code, what = '') {
  const where = `${what ? `${what}: ` : ''}${r.status} ${r.text.slice(0, 300)}`;
  assert.equal(r.status, status, where);
  assert.match(r.headers.get('content-type') || '', /^application\/json\b/, where);
  assert.ok(r.json, `not JSON: ${where}`);
  assert.deepEqual(Object.keys(r.json), ['error'], where);
  assert.deepEqual(Object.keys(r.json.error).sort(), ['code', 'message'], where);
  assert.equal(r.json.error.code, code, where);
  assert.equal(typeof r.json.error.message, 'string', where);
  assert.ok(r.json.error.message.length > 0, `empty message: ${where}`);
  return r.json.error.message;
}

// ---------------------------------------------------------------------------
// Processes

/** Run `cmd ...args` with `input` on stdin; resolves { code, signal, stdout, stderr }. */
export function runProc(cmd, args, { input = null, timeoutMs = 20000, cwd = ROOT, env } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, env: env || process.env, stdio: [input === null ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out = [], err = [];
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`${cmd} ${args.join(' ')} timed out`)); }, timeoutMs);
    p.on('error', (e) => { clearTimeout(timer); reject(e); });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    if (input !== null) {
      p.stdin.on('error', () => {}); // the program may exit before reading everything
      p.stdin.end(input);
    }
  });
}

/** `zhendi ...args` with `input` on its standard input (a password, for `user add`). */
export function runCliInput(args, input, opts = {}) {
  return runProc(BIN, args, { ...opts, input });
}

/**
 * Run SQL on a test database: the sqlite3 CLI for a file (waits for locks up to 5 s),
 * psql for a postgres:// URL. Tests write SQLite's dialect; the few functions they use
 * are mapped for PostgreSQL here. Resolves { code, stdout, stderr } (rows as a|b|c lines).
 */
export async function sql(db, statements) {
  if (String(db).startsWith('postgres')) {
    if (statements === '.dump') return runProc('pg_dump', ['--no-owner', '-d', db]);
    const pg = statements
      .replace(/json_object\(/g, 'json_build_object(')
      .replace(/\bquote\(/g, 'quote_nullable(')
      .replace(/strftime\('%s',\s*'now'\)/g, 'CAST(extract(epoch from now()) AS BIGINT)')
      .replace(/DROP TRIGGER (IF EXISTS )?(\w+)/g, 'DROP TRIGGER $1$2 ON audit');
    const r = await runProc('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', pg]);
    // psql prints booleans as t/f where sqlite3 prints 1/0
    r.stdout = r.stdout.split('\n').map((l) => l.split('|').map((c) => (c === 't' ? '1' : c === 'f' ? '0' : c)).join('|')).join('\n');
    return r;
  }
  return runProc('sqlite3', ['-batch', '-bail', '-cmd', '.timeout 5000', db, statements]);
}

/** Run SQL that must work; resolves stdout lines (rows, columns separated by '|'). */
export async function sqlOk(db, statements) {
  const r = await sql(db, statements);
  assert.equal(r.code, 0, `sqlite3 failed on ${statements}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.length > 0);
}

export async function sqlScalar(db, query) {
  const rows = await sqlOk(db, query);
  return rows.length ? rows[0] : null;
}

export async function auditCount(db) {
  return Number(await sqlScalar(db, 'SELECT count(*) FROM audit'));
}

/** Audit rows after seq `after`, as objects. */
export async function auditRows(db, after = 0) {
  const rows = await sqlOk(db, `SELECT json_object('seq', seq, 'actor', actor, 'action', action, 'object', object, 'org_id', org_id, 'after', after_json) FROM audit WHERE seq > ${Number(after)} ORDER BY seq`);
  return rows.map((l) => JSON.parse(l));
}

/**
 * A consistent copy of a (possibly live) database; resolves what to pass as --db for
 * the copy: `dest` for SQLite (VACUUM INTO), a fresh database's URL for PostgreSQL
 * (pg_dump into it).
 */
export async function copyDb(db, dest) {
  if (String(db).startsWith('postgres')) {
    const url = await freshPgDatabase();
    const dump = await runProc('pg_dump', ['--no-owner', '-d', db]);
    assert.equal(dump.code, 0, dump.stderr);
    const load = await runProc('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url], { input: dump.stdout });
    assert.equal(load.code, 0, load.stderr);
    return url;
  }
  await sqlOk(db, `VACUUM INTO '${dest.replaceAll("'", "''")}'`);
  return dest;
}

// ---------------------------------------------------------------------------
// The route table

/** [{ method, pattern, perm }] from the zd_routes[] table in src/routes.c. */
export function parseRoutes(file = path.join(ROOT, 'src', 'routes.c')) {
  const src = readFileSync(file, 'utf8');
  const start = src.indexOf('zd_routes[]');
  assert.ok(start >= 0, 'zd_routes[] not found in routes.c');
  const end = src.indexOf('};', start);
  const table = src.slice(start, end).replace(/\/\*[\s\S]*?\*\//g, '');
  const routes = [];
  const re = /\{\s*"([A-Z]+)"\s*,\s*"([^"]+)"\s*,\s*(PERM_[A-Z_]+)\s*,/g;
  for (const m of table.matchAll(re)) routes.push({ method: m[1], pattern: m[2], perm: m[3] });
  // every entry line must have been understood
  const entries = (table.match(/\{\s*"/g) || []).length;
  assert.equal(routes.length, entries, `parsed ${routes.length} of ${entries} route entries in routes.c`);
  return routes;
}
