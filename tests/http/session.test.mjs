// session.test.mjs — logging in and out, session cookies, CSRF, API tokens, login rate
// limits, and the 4xx answers to bad credentials (each clear, JSON-shaped, changing nothing).
//
// The rate limit (5 failures per account, 20 per address, 15 minutes, in memory) is tested
// on fresh servers of their own; the shared server here sees only a handful of failures.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { securityHeaderProblems, startServer, stopServer } from './lib.mjs';
import {
  DEMO_PW, assertJsonError, auditCount, auditRows, call, createToken, findSetCookie, login, sha256hex, sqlOk, sqlScalar,
} from './auth_lib.mjs';

const WRONG = 'The login or the password is wrong.';
const EXPIRED = 'Your session has expired; please log in again.';
const NEWPW = 'session-password-1';

let srv;
before(async () => { srv = await startServer(); });
after(() => stopServer(srv));

const renheName = () => sqlScalar(srv.db, "SELECT name || '|' || name_en FROM org WHERE code = 'renhe'");

describe('logging in', () => {
  test('POST /api/v1/session answers 200 with an HttpOnly, SameSite=Lax session cookie and the CSRF token', async () => {
    const s = await login(srv.base, 'renhe-admin');
    assert.ok(s.setCookie, 'no zd_session cookie');
    const attrs = s.setCookie.attrs.map((a) => a.toLowerCase());
    assert.ok(attrs.includes('httponly'), s.setCookie.line);
    assert.ok(attrs.includes('samesite=lax'), s.setCookie.line);
    assert.ok(attrs.includes('path=/'), s.setCookie.line);
    assert.ok(!attrs.includes('secure'), `Secure on plain http: ${s.setCookie.line}`);
    assert.match(s.cookie, /^[A-Za-z0-9_-]{32,}$/);
    assert.equal(typeof s.csrf, 'string');
    assert.match(s.csrf, /^[A-Za-z0-9_-]{32,}$/);
    assert.notEqual(s.csrf, s.cookie);
    assert.equal(s.body.user.login, 'renhe-admin');
    assert.deepEqual(s.body.user.roles, [{ role: 'center-admin', scope: 'renhe' }]);
    const me = await call(srv.base, 'GET', '/api/v1/me', { auth: s });
    assert.equal(me.status, 200);
    assert.deepEqual(me.json, { login: 'renhe-admin', via: 'session', roles: [{ role: 'center-admin', scope: 'renhe' }] });
  });

  test('behind TLS (X-Forwarded-Proto: https) the cookie is Secure', async () => {
    const s = await login(srv.base, 'renhe-cadre', DEMO_PW, { headers: { 'X-Forwarded-Proto': 'https' } });
    const attrs = s.setCookie.attrs.map((a) => a.toLowerCase());
    assert.ok(attrs.includes('secure'), s.setCookie.line);
    assert.ok(attrs.includes('httponly') && attrs.includes('samesite=lax'), s.setCookie.line);
  });

  test('every login gets a new session id and CSRF token; the database keeps only the hash of the id', async () => {
    const a = await login(srv.base, 'leader');
    const b = await login(srv.base, 'leader');
    assert.notEqual(a.cookie, b.cookie);
    assert.notEqual(a.csrf, b.csrf);
    for (const s of [a, b]) assert.equal((await call(srv.base, 'GET', '/api/v1/me', { auth: s })).status, 200);
    const rows = await sqlOk(srv.db, "SELECT id_hash FROM session s JOIN users u ON u.id = s.user_id WHERE u.login = 'leader'");
    assert.ok(rows.includes(sha256hex(a.cookie)) && rows.includes(sha256hex(b.cookie)), rows.join(','));
    assert.ok(!rows.includes(a.cookie) && !rows.includes(b.cookie), 'a plaintext session id is stored');
    // a session id sent as a cookie someone else made up does not log in
    const forged = await call(srv.base, 'GET', '/api/v1/me', { auth: { cookie: sha256hex(a.cookie) } });
    assertJsonError(forged, 401, 'unauthenticated');
  });

  test('the login page: double-submit form token, then 303 to /me with a working session', async () => {
    const page = await call(srv.base, 'GET', '/login');
    assert.equal(page.status, 200);
    const pre = findSetCookie(page.setCookies, 'zd_pre');
    assert.ok(pre, 'no zd_pre cookie');
    const field = /name="csrf" value="([^"]+)"/.exec(page.text);
    assert.ok(field, 'no csrf field in the login form');
    assert.equal(field[1], pre.value);
    const r = await call(srv.base, 'POST', '/login', { cookies: { zd_pre: pre.value }, form: { csrf: field[1], login: 'renhe-supervisor', password: DEMO_PW, next: '/me' } });
    assert.equal(r.status, 303, r.text);
    assert.equal(r.location, '/me');
    const sc = findSetCookie(r.setCookies, 'zd_session');
    assert.ok(sc && sc.attrs.map((x) => x.toLowerCase()).includes('httponly'), r.setCookies.join(' / '));
    const me = await call(srv.base, 'GET', '/me', { auth: { cookie: sc.value } });
    assert.equal(me.status, 200);
    assert.ok(me.text.includes('renhe-supervisor'));
    // an off-site "next" is not followed
    const r2 = await call(srv.base, 'POST', '/login', { cookies: { zd_pre: 'x1' }, form: { csrf: 'x1', login: 'renhe-supervisor', password: DEMO_PW, next: 'https://evil.example/' } });
    assert.equal(r2.status, 303);
    assert.equal(r2.location, '/me');
  });

  test('the login form without its token (or with a wrong one) is refused 403 and logs no one in', async () => {
    const n = await auditCount(srv.db);
    for (const extra of [{}, { cookies: { zd_pre: 'aaa' }, csrf: 'bbb' }]) {
      const r = await call(srv.base, 'POST', '/login', { cookies: extra.cookies, form: { ...(extra.csrf ? { csrf: extra.csrf } : {}), login: 'renhe-admin', password: DEMO_PW } });
      assert.equal(r.status, 403);
      assert.equal(findSetCookie(r.setCookies, 'zd_session'), null);
    }
    assert.equal(await auditCount(srv.db), n);
  });
});

describe('logging out', () => {
  test('DELETE /api/v1/session needs the CSRF token, then answers 204 and the cookie no longer works', async () => {
    const s = await login(srv.base, 'renhe-admin');
    const other = await login(srv.base, 'renhe-admin');
    const refused = await call(srv.base, 'DELETE', '/api/v1/session', { auth: s, csrf: false });
    assertJsonError(refused, 403, 'forbidden');
    assert.equal((await call(srv.base, 'GET', '/api/v1/me', { auth: s })).status, 200, 'refused logout logged out');
    const n = await auditCount(srv.db);
    const r = await call(srv.base, 'DELETE', '/api/v1/session', { auth: s });
    assert.equal(r.status, 204);
    const cleared = findSetCookie(r.setCookies, 'zd_session');
    assert.ok(cleared && cleared.value === '' && cleared.attrs.includes('Max-Age=0'), r.setCookies.join(' / '));
    assert.equal(await auditCount(srv.db), n + 1);
    const after = await call(srv.base, 'GET', '/api/v1/me', { auth: s });
    assert.equal(assertJsonError(after, 401, 'unauthenticated'), EXPIRED);
    assert.equal(await sqlScalar(srv.db, `SELECT count(*) FROM session WHERE id_hash = '${sha256hex(s.cookie)}'`), '0');
    // the user's other session is untouched
    assert.equal((await call(srv.base, 'GET', '/api/v1/me', { auth: other })).status, 200);
  });

  test('POST /logout (the header button) needs the form token, then 303 to / and the session is gone', async () => {
    const s = await login(srv.base, 'renhe-cadre');
    const refused = await call(srv.base, 'POST', '/logout', { auth: s, form: {} });
    assert.equal(refused.status, 403);
    assert.equal((await call(srv.base, 'GET', '/me', { auth: s })).status, 200);
    const page = await call(srv.base, 'GET', '/me', { auth: s });
    const field = /<form class="logout"[^>]*><input type="hidden" name="csrf" value="([^"]+)"/.exec(page.text);
    assert.ok(field, 'no logout form with a csrf field in the header');
    assert.equal(field[1], s.csrf);
    const r = await call(srv.base, 'POST', '/logout', { auth: s, form: { csrf: field[1] } });
    assert.equal(r.status, 303);
    assert.equal(r.location, '/');
    assert.equal((await call(srv.base, 'GET', '/me', { auth: s })).status, 401);
  });
});

describe('CSRF', () => {
  test('an unsafe API request with the session cookie needs X-CSRF-Token: missing, wrong, another session\'s → 403, nothing changed', async () => {
    const s = await login(srv.base, 'renhe-admin');
    const other = await login(srv.base, 'renhe-admin');
    const name0 = await renheName();
    const n = await auditCount(srv.db);
    for (const [what, csrf] of [['missing', false], ['wrong', 'not-the-token'], ['empty', ''], ["another session's", other.csrf], ['the session id', s.cookie]]) {
      const r = await call(srv.base, 'PATCH', '/api/v1/orgs/renhe', { auth: s, csrf, json: { name_en: 'Hacked' } });
      const msg = assertJsonError(r, 403, 'forbidden', `${what} CSRF token`);
      assert.match(msg, /CSRF/);
    }
    // the token in a form field does not count for a JSON request
    const viaQuery = await call(srv.base, 'PATCH', `/api/v1/orgs/renhe?csrf=${s.csrf}`, { auth: s, csrf: false, json: { name_en: 'Hacked' } });
    assertJsonError(viaQuery, 403, 'forbidden');
    assert.equal(await renheName(), name0);
    assert.equal(await auditCount(srv.db), n);
    const ok = await call(srv.base, 'PATCH', '/api/v1/orgs/renhe', { auth: s, json: { name_en: 'Renhe Village' } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.code, 'renhe');
    assert.equal(await auditCount(srv.db), n + 1);
  });

  test('GET needs no CSRF token; Bearer token requests need none for writes either', async () => {
    const s = await login(srv.base, 'renhe-admin');
    assert.equal((await call(srv.base, 'GET', '/api/v1/orgs/renhe/users', { auth: s, csrf: false })).status, 200);
    const t = await createToken(srv.base, s);
    const r = await call(srv.base, 'PATCH', '/api/v1/orgs/renhe', { auth: { token: t.token }, json: { name: '任河村' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.name, '任河村');
  });

  test('a page form (POST /o/renhe/users) needs the hidden csrf field', async () => {
    const s = await login(srv.base, 'township');
    const form = { login: 'csrf-page-user', display_name: '测试', password: NEWPW, role: 'cadre' };
    const n = await auditCount(srv.db);
    const refused = await call(srv.base, 'POST', '/o/renhe/users', { auth: s, form });
    assert.equal(refused.status, 403);
    const wrong = await call(srv.base, 'POST', '/o/renhe/users', { auth: s, form: { ...form, csrf: 'wrong' } });
    assert.equal(wrong.status, 403);
    assert.equal(await sqlScalar(srv.db, "SELECT count(*) FROM users WHERE login = 'csrf-page-user'"), '0');
    assert.equal(await auditCount(srv.db), n);
    // the users page carries the token in its form
    const page = await call(srv.base, 'GET', '/o/renhe/users', { auth: s });
    const field = /action="\/o\/renhe\/users"><input type="hidden" name="csrf" value="([^"]+)"/.exec(page.text);
    assert.ok(field, 'the add-user form has no csrf field');
    const ok = await call(srv.base, 'POST', '/o/renhe/users', { auth: s, form: { ...form, csrf: field[1] } });
    assert.equal(ok.status, 201, ok.text.slice(0, 300));
    assert.ok(ok.text.includes('csrf-page-user'));
    assert.equal(await sqlScalar(srv.db, "SELECT count(*) FROM users WHERE login = 'csrf-page-user'"), '1');
    // the page read (a list of people), then the new user and role, and the list shown again
    const actions = (await auditRows(srv.db, n)).map((x) => x.action);
    assert.deepEqual(actions, ['read.users', 'user.create', 'user.role.add', 'read.users']);
  });
});

describe('API tokens', () => {
  test('a token is stored only as its SHA-256: no plaintext in api_token nor anywhere in the database files', async () => {
    const s = await login(srv.base, 'yinxing-admin');
    const t = await createToken(srv.base, s, 'hash-check');
    assert.match(t.token, /^zd_[A-Za-z0-9_-]{43}$/);
    const rows = await sqlOk(srv.db, `SELECT token_hash || '|' || label FROM api_token WHERE id = ${t.id}`);
    assert.deepEqual(rows, [`${sha256hex(t.token)}|hash-check`]);
    const all = await sqlOk(srv.db, 'SELECT * FROM api_token');
    for (const line of all) assert.ok(!line.includes(t.token) && !line.includes(t.token.slice(3)), `plaintext token in: ${line}`);
    const dump = await sqlOk(srv.db, '.dump');
    assert.ok(!dump.join('\n').includes(t.token.slice(3)), 'the token appears in the database dump');
    for (const f of [srv.db, `${srv.db}-wal`]) {
      if (existsSync(f)) assert.ok(!readFileSync(f).includes(Buffer.from(t.token.slice(3))), `the token appears in ${f}`);
    }
    const me = await call(srv.base, 'GET', '/api/v1/me', { auth: { token: t.token } });
    assert.equal(me.status, 200);
    assert.equal(me.json.via, 'token');
    assert.equal(me.json.login, 'yinxing-admin');
  });

  test('DELETE /api/v1/tokens/{id} revokes (204): the token then gets 401, a second revoke 404', async () => {
    const s = await login(srv.base, 'yinxing-admin');
    const t = await createToken(srv.base, s, 'to-revoke');
    assert.equal((await call(srv.base, 'GET', '/api/v1/me', { auth: { token: t.token } })).status, 200);
    const r = await call(srv.base, 'DELETE', `/api/v1/tokens/${t.id}`, { auth: s });
    assert.equal(r.status, 204, r.text);
    assert.match(await sqlScalar(srv.db, `SELECT revoked_at FROM api_token WHERE id = ${t.id}`), /^\d{10}$/);
    const n = await auditCount(srv.db);
    for (const p of ['/api/v1/me', '/api/v1/orgs/yinxing/users']) {
      const after = await call(srv.base, 'GET', p, { auth: { token: t.token } });
      assert.match(assertJsonError(after, 401, 'unauthenticated', p), /revoked/);
    }
    const write = await call(srv.base, 'PATCH', '/api/v1/orgs/yinxing', { auth: { token: t.token }, json: { name_en: 'Revoked' } });
    assertJsonError(write, 401, 'unauthenticated');
    assert.equal(await auditCount(srv.db), n, 'requests with a revoked token were audited or changed something');
    const again = await call(srv.base, 'DELETE', `/api/v1/tokens/${t.id}`, { auth: s });
    assertJsonError(again, 404, 'not_found');
    // a token revokes itself too
    const t2 = await createToken(srv.base, s, 'self');
    assert.equal((await call(srv.base, 'DELETE', `/api/v1/tokens/${t2.id}`, { auth: { token: t2.token } })).status, 204);
    assertJsonError(await call(srv.base, 'GET', '/api/v1/me', { auth: { token: t2.token } }), 401, 'unauthenticated');
  });

  test("another user's token cannot be revoked (404) and keeps working; bad ids are 404", async () => {
    const owner = await login(srv.base, 'renhe-member');
    const t = await createToken(srv.base, owner, 'mine');
    const thief = await login(srv.base, 'county');
    const n = await auditCount(srv.db);
    assertJsonError(await call(srv.base, 'DELETE', `/api/v1/tokens/${t.id}`, { auth: thief }), 404, 'not_found');
    for (const id of ['0', '-1', 'abc', '99999999', '1e3', `${t.id}x`])
      assertJsonError(await call(srv.base, 'DELETE', `/api/v1/tokens/${id}`, { auth: thief }), 404, 'not_found', id);
    assert.equal(await auditCount(srv.db), n);
    assert.equal(await sqlScalar(srv.db, `SELECT revoked_at IS NULL FROM api_token WHERE id = ${t.id}`), '1');
    assert.equal((await call(srv.base, 'GET', '/api/v1/me', { auth: { token: t.token } })).status, 200);
  });

  test('a forged token, an empty one, or a session id sent as a token: 401 with the JSON error shape', async () => {
    const s = await login(srv.base, 'renhe-member');
    const n = await auditCount(srv.db);
    const forged = [`zd_${'A'.repeat(43)}`, 'zd_', '', s.cookie, s.csrf, sha256hex('x')];
    for (const tok of forged) {
      const r = await call(srv.base, 'GET', '/api/v1/me', { headers: { Authorization: `Bearer ${tok}` } });
      assertJsonError(r, 401, 'unauthenticated', `token ${JSON.stringify(tok)}`);
      const w = await call(srv.base, 'POST', '/api/v1/tokens', { headers: { Authorization: `Bearer ${tok}` }, json: { label: 'x' } });
      assertJsonError(w, 401, 'unauthenticated');
    }
    assert.equal(await auditCount(srv.db), n);
  });
});

describe('bad credentials and bad input', () => {
  test('a wrong password and an unknown login get the same 401 message; no cookie, nothing audited', async () => {
    const n = await auditCount(srv.db);
    const wrong = await login(srv.base, 'renhe-admin', 'not-the-password', { expect: null });
    const unknown = await login(srv.base, 'nosuchuser', 'not-the-password', { expect: null });
    const invalid = await login(srv.base, 'NOT A LOGIN!', 'not-the-password', { expect: null });
    for (const r of [wrong, unknown, invalid]) {
      assert.equal(assertJsonError(r.r, 401, 'unauthenticated'), WRONG);
      assert.equal(r.cookie, null);
    }
    assert.equal(await auditCount(srv.db), n);
  });

  test('the login page says the same for both, at 401', async () => {
    const a = await call(srv.base, 'POST', '/login', { cookies: { zd_pre: 'p', lang: 'en' }, form: { csrf: 'p', login: 'renhe-cadre', password: 'wrong-password' } });
    const b = await call(srv.base, 'POST', '/login', { cookies: { zd_pre: 'p', lang: 'en' }, form: { csrf: 'p', login: 'no-such-login', password: 'wrong-password' } });
    for (const r of [a, b]) {
      assert.equal(r.status, 401);
      assert.ok(r.text.includes(WRONG), r.text.slice(0, 400));
      assert.equal(findSetCookie(r.setCookies, 'zd_session'), null);
    }
  });

  test('malformed login requests: 400/415 with the JSON error shape', async () => {
    const n = await auditCount(srv.db);
    const cases = [
      [{ json: { login: 'renhe-admin' } }, 400, 'invalid_input'],
      [{ json: { login: 'renhe-admin', password: '' } }, 400, 'invalid_input'],
      [{ json: { login: '', password: DEMO_PW } }, 400, 'invalid_input'],
      [{ json: { login: 'renhe-admin', password: DEMO_PW, extra: 1 } }, 400, 'invalid_input'],
      [{ json: { login: 5, password: DEMO_PW } }, 400, 'invalid_input'],
      [{ json: ['renhe-admin', DEMO_PW] }, 400, 'invalid_input'],
      [{ body: '{"login":', headers: { 'Content-Type': 'application/json' } }, 400, 'invalid_input'],
      [{ body: 'login=renhe-admin&password=zhendi-demo', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported_media_type'],
    ];
    for (const [opts, status, code] of cases) {
      const r = await call(srv.base, 'POST', '/api/v1/session', opts);
      assertJsonError(r, status, code, JSON.stringify(opts));
      assert.equal(findSetCookie(r.setCookies, 'zd_session'), null);
    }
    assert.equal(await auditCount(srv.db), n);
  });

  test('an expired session (created 8 days ago) and an idle one (13 h) are refused with 401; a fresh row works', async () => {
    const uid = await sqlScalar(srv.db, "SELECT id FROM users WHERE login = 'renhe-admin'");
    const now = Math.floor(Date.now() / 1000);
    const rows = {
      old: { cookie: 'expired-session-cookie-value-0001', csrf: 'csrf-old', created: now - 8 * 86400, seen: now - 60 },
      idle: { cookie: 'idle-session-cookie-value-000002', csrf: 'csrf-idle', created: now - 13 * 3600, seen: now - 13 * 3600 },
      fresh: { cookie: 'fresh-session-cookie-value-00003', csrf: 'csrf-fresh', created: now - 60, seen: now - 60 },
    };
    for (const r of Object.values(rows))
      await sqlOk(srv.db, `INSERT INTO session(id_hash, user_id, csrf, created_at, last_seen) VALUES('${sha256hex(r.cookie)}', ${uid}, '${r.csrf}', ${r.created}, ${r.seen})`);
    const fresh = await call(srv.base, 'GET', '/api/v1/me', { auth: rows.fresh });
    assert.equal(fresh.status, 200, 'the hand-made session row does not work at all; the test is wrong');
    assert.equal(fresh.json.login, 'renhe-admin');
    const name0 = await renheName();
    const n = await auditCount(srv.db);
    for (const which of ['old', 'idle']) {
      const s = rows[which];
      assert.equal(assertJsonError(await call(srv.base, 'GET', '/api/v1/me', { auth: s }), 401, 'unauthenticated', which), EXPIRED);
      const w = await call(srv.base, 'PATCH', '/api/v1/orgs/renhe', { auth: s, json: { name_en: 'Expired' } });
      assertJsonError(w, 401, 'unauthenticated', which);
      const page = await call(srv.base, 'GET', '/me', { auth: s });
      assert.equal(page.status, 401);
      assert.match(page.headers.get('content-type'), /^text\/html/);
    }
    assert.equal(await renheName(), name0);
    assert.equal(await auditCount(srv.db), n);
    // on a public page an expired cookie is simply anonymous
    const home = await call(srv.base, 'GET', '/', { auth: rows.old });
    assert.equal(home.status, 200);
    assert.ok(home.text.includes('href="/login"'));
  });

  test('a disabled user: session and token stop working, and the right password is refused like a wrong one', async () => {
    const county = await login(srv.base, 'county');
    const mk = await call(srv.base, 'POST', '/api/v1/users', { auth: county, json: { login: 'to-disable', password: NEWPW, role: 'cadre', scope: 'gaoping' } });
    assert.equal(mk.status, 201, mk.text);
    const s = await login(srv.base, 'to-disable', NEWPW);
    const t = await createToken(srv.base, s);
    assert.equal((await call(srv.base, 'GET', '/api/v1/me', { auth: { token: t.token } })).status, 200);
    await sqlOk(srv.db, "UPDATE users SET disabled = 1 WHERE login = 'to-disable'");
    const n = await auditCount(srv.db);
    assertJsonError(await call(srv.base, 'GET', '/api/v1/me', { auth: s }), 401, 'unauthenticated', 'session');
    assertJsonError(await call(srv.base, 'GET', '/api/v1/me', { auth: { token: t.token } }), 401, 'unauthenticated', 'token');
    const again = await login(srv.base, 'to-disable', NEWPW, { expect: null });
    assert.equal(assertJsonError(again.r, 401, 'unauthenticated'), WRONG);
    assert.equal(again.cookie, null);
    assert.equal(await auditCount(srv.db), n);
  });

  test("another scope's ids answer 404, the same as a code that does not exist, and change nothing", async () => {
    const ra = await login(srv.base, 'renhe-admin');
    const tw = await login(srv.base, 'township');
    const sup = await login(srv.base, 'renhe-supervisor');
    const name0 = await sqlScalar(srv.db, "SELECT name || '|' || name_en FROM org WHERE code = 'yinxing'");
    const n = await auditCount(srv.db);
    const cases = [
      [ra, 'PATCH', '/api/v1/orgs/yinxing', { json: { name: '被改了' } }],
      [ra, 'GET', '/api/v1/orgs/yinxing/users', {}],
      [ra, 'GET', '/api/v1/orgs/zhanerxiang/users', {}],
      [ra, 'POST', '/api/v1/orgs', { json: { code: 'intruder', kind: 'party_branch', name: '外来', parent: 'yinxing' } }],
      [sup, 'GET', '/api/v1/orgs/yinxing/audit', {}],
      [tw, 'POST', '/api/v1/users', { json: { login: 'intruder', password: NEWPW, role: 'cadre', scope: 'liangdang' } }],
      [tw, 'PATCH', '/api/v1/orgs/liangdang', { json: { name: '被改了' } }],
    ];
    for (const [auth, method, p, opts] of cases) {
      const r = await call(srv.base, method, p, { auth, ...opts });
      const msg = assertJsonError(r, 404, 'not_found', `${method} ${p}`);
      const unknown = await call(srv.base, method, p.replace(/yinxing|zhanerxiang|liangdang/, 'nosuch'), {
        auth, ...opts, ...(opts.json && opts.json.parent ? { json: { ...opts.json, parent: 'nosuch' } } : {}),
        ...(opts.json && opts.json.scope ? { json: { ...opts.json, scope: 'nosuch' } } : {}),
      });
      assert.equal(assertJsonError(unknown, 404, 'not_found', `unknown ${method} ${p}`), msg, 'out of scope and unknown differ');
    }
    assert.equal(await sqlScalar(srv.db, "SELECT name || '|' || name_en FROM org WHERE code = 'yinxing'"), name0);
    assert.equal(await sqlScalar(srv.db, "SELECT count(*) FROM users WHERE login = 'intruder'"), '0');
    assert.equal(await sqlScalar(srv.db, "SELECT count(*) FROM org WHERE code = 'intruder'"), '0');
    assert.equal(await auditCount(srv.db), n, 'refused requests wrote to the audit trail');
  });

  test('POST /api/v1/users refuses what the caller may not give or what is not valid; nothing is created', async () => {
    const tw = await login(srv.base, 'township');
    const county = await login(srv.base, 'county');
    const ra = await login(srv.base, 'renhe-admin');
    const n = await auditCount(srv.db);
    const base = { login: 'refused-user', password: NEWPW, role: 'cadre', scope: 'renhe' };
    const cases = [
      [tw, { ...base, role: 'county-admin', scope: 'zhanerxiang' }, 403, 'forbidden'], // above the granter's level
      [ra, base, 403, 'forbidden'], // center-admin does not manage users
      [county, { ...base, role: 'cadre', scope: 'liangdang' }, 400, 'invalid_input'], // a cadre is not held at a county
      [county, { ...base, role: 'overlord' }, 400, 'invalid_input'],
      [county, { ...base, login: 'Bad Login' }, 400, 'invalid_input'],
      [county, { ...base, login: 'x' }, 400, 'invalid_input'],
      [county, { ...base, password: 'short' }, 400, 'invalid_input'],
      [county, { ...base, password: 'p'.repeat(129) }, 400, 'invalid_input'],
      [county, { ...base, login: 'renhe-admin' }, 409, 'conflict'],
      [county, { login: 'refused-user', password: NEWPW, role: 'cadre' }, 400, 'invalid_input'],
    ];
    for (const [auth, json, status, code] of cases) {
      const r = await call(srv.base, 'POST', '/api/v1/users', { auth, json });
      assertJsonError(r, status, code, JSON.stringify(json));
    }
    assert.equal(await sqlScalar(srv.db, "SELECT count(*) FROM users WHERE login = 'refused-user'"), '0');
    assert.equal(await auditCount(srv.db), n);
    // and the right call works: the user can log in with the role at the scope
    const ok = await call(srv.base, 'POST', '/api/v1/users', { auth: tw, json: { ...base, display_name: '新干部' } });
    assert.equal(ok.status, 201, ok.text);
    assert.deepEqual(ok.json, { login: 'refused-user', role: 'cadre', scope: 'renhe' });
    const s = await login(srv.base, 'refused-user', NEWPW);
    assert.deepEqual(s.body.user.roles, [{ role: 'cadre', scope: 'renhe' }]);
    const users = await call(srv.base, 'GET', '/api/v1/orgs/renhe/users', { auth: s });
    assert.ok(users.json.users.some((u) => u.login === 'refused-user' && u.display_name === '新干部' && u.role === 'cadre'));
  });
});

describe('orgs: create and rename within scope', () => {
  test('GET /api/v1/orgs/{code} is public and shows parent and children', async () => {
    const r = await call(srv.base, 'GET', '/api/v1/orgs/zhanerxiang');
    assert.equal(r.status, 200);
    assert.equal(r.json.parent, 'liangdang');
    const kids = r.json.children.map((c) => c.code);
    for (const c of ['renhe', 'yinxing', 'dashan', 'zhanerxiang-dw']) assert.ok(kids.includes(c), kids.join(','));
    assert.equal((await call(srv.base, 'GET', '/api/v1/orgs/renhe')).json.parent, 'zhanerxiang');
    assert.deepEqual((await call(srv.base, 'GET', '/api/v1/orgs/renhe-dzb')).json.parent, 'renhe');
  });

  test('a center admin creates a party group under its branch and renames it; the tree shows it', async () => {
    const s = await login(srv.base, 'renhe-admin');
    const c = await call(srv.base, 'POST', '/api/v1/orgs', { auth: s, json: { code: 'renhe-g1', kind: 'party_group', name: '第一党小组', parent: 'renhe-dzb', name_en: 'Group 1' } });
    assert.equal(c.status, 201, c.text);
    assert.deepEqual(c.json, { code: 'renhe-g1', kind: 'party_group', name: '第一党小组', parent: 'renhe-dzb' });
    const g = await call(srv.base, 'GET', '/api/v1/orgs/renhe-g1');
    assert.equal(g.json.parent, 'renhe-dzb');
    assert.equal(g.json.name_en, 'Group 1');
    assert.ok((await call(srv.base, 'GET', '/api/v1/orgs/renhe-dzb')).json.children.some((k) => k.code === 'renhe-g1'));
    const p = await call(srv.base, 'PATCH', '/api/v1/orgs/renhe-g1', { auth: s, json: { name: '一组' } });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.name, '一组');
    assert.equal(p.json.name_en, 'Group 1');
    // bad input: 400/409, nothing changed
    const n = await auditCount(srv.db);
    for (const [json, status, code] of [
      [{ code: 'renhe-g1', kind: 'party_group', name: '重复', parent: 'renhe-dzb' }, 409, 'conflict'],
      [{ code: 'Bad Code', kind: 'party_group', name: 'x', parent: 'renhe-dzb' }, 400, 'invalid_input'],
      [{ code: 'renhe-g2', kind: 'nation', name: 'x', parent: 'renhe-dzb' }, 400, 'invalid_input'],
      [{ code: 'renhe-g2', kind: 'village', name: 'x', parent: 'renhe-dzb' }, 400, 'invalid_input'],
      [{ code: 'renhe-g2', kind: 'party_group', name: '', parent: 'renhe-dzb' }, 400, 'invalid_input'],
      [{ code: 'renhe-g2', kind: 'party_group', name: 'x' }, 400, 'invalid_input'],
    ]) assertJsonError(await call(srv.base, 'POST', '/api/v1/orgs', { auth: s, json }), status, code, JSON.stringify(json));
    assertJsonError(await call(srv.base, 'PATCH', '/api/v1/orgs/renhe-g1', { auth: s, json: {} }), 400, 'invalid_input');
    assertJsonError(await call(srv.base, 'PATCH', '/api/v1/orgs/renhe-g1', { auth: s, json: { name: '' } }), 400, 'invalid_input');
    assertJsonError(await call(srv.base, 'PATCH', '/api/v1/orgs/renhe-g1', { auth: s, json: { code: 'x' } }), 400, 'invalid_input');
    assert.equal(await auditCount(srv.db), n);
    assert.equal(await sqlScalar(srv.db, "SELECT name FROM org WHERE code = 'renhe-g1'"), '一组');
  });
});

describe('security headers', () => {
  test('the login page, API 401/403/404 answers and the session API carry CSP, nosniff, frame denial, Referrer-Policy', async () => {
    const s = await login(srv.base, 'renhe-cadre');
    const responses = {
      'GET /login': await call(srv.base, 'GET', '/login'),
      'GET /api/v1/me (401)': await call(srv.base, 'GET', '/api/v1/me'),
      'GET /me (401 page)': await call(srv.base, 'GET', '/me'),
      'POST /api/v1/session (200)': (await login(srv.base, 'renhe-cadre')).r,
      'PATCH without CSRF (403)': await call(srv.base, 'PATCH', '/api/v1/orgs/renhe', { auth: s, csrf: false, json: { name: 'x' } }),
      'GET /api/v1/orgs/yinxing/users (404)': await call(srv.base, 'GET', '/api/v1/orgs/yinxing/users', { auth: s }),
      'POST /login without token (403)': await call(srv.base, 'POST', '/login', { form: { login: 'a', password: 'b' } }),
      'GET /setup (404)': await call(srv.base, 'GET', '/setup?token=nothing'),
    };
    const problems = [];
    for (const [k, r] of Object.entries(responses)) {
      for (const p of securityHeaderProblems((h) => r.headers.get(h))) problems.push(`${k}: ${p}`);
    }
    assert.deepEqual(problems, []);
    assert.equal(responses['GET /api/v1/me (401)'].status, 401);
  });
});

describe('login rate limit per account (fresh server)', () => {
  let fs;
  before(async () => { fs = await startServer(); });
  after(() => stopServer(fs));

  test('5 failures lock the account: the 6th attempt and then the right password get 429 with a clear message', async () => {
    for (let i = 1; i <= 5; i++) {
      const r = await login(fs.base, 'renhe-cadre', `wrong-password-${i}`, { expect: null });
      assert.equal(assertJsonError(r.r, 401, 'unauthenticated', `attempt ${i}`), WRONG);
    }
    const sixth = await login(fs.base, 'renhe-cadre', 'wrong-password-6', { expect: null });
    const msg = assertJsonError(sixth.r, 429, 'rate_limited', '6th attempt');
    assert.equal(msg, 'Too many failed logins; wait 15 minutes and try again.');
    assert.equal(sixth.r.headers.get('retry-after'), '900');
    assert.deepEqual(securityHeaderProblems((h) => sixth.r.headers.get(h)), []);
    const n = await auditCount(fs.db);
    const right = await login(fs.base, 'renhe-cadre', DEMO_PW, { expect: null });
    assertJsonError(right.r, 429, 'rate_limited', 'right password while locked');
    assert.equal(right.cookie, null);
    assert.equal(await auditCount(fs.db), n, 'a refused login was audited as a login');
    // the login page too
    const page = await call(fs.base, 'POST', '/login', { cookies: { zd_pre: 'p', lang: 'en' }, form: { csrf: 'p', login: 'renhe-cadre', password: DEMO_PW } });
    assert.equal(page.status, 429);
    assert.ok(page.text.includes('Too many failed logins'), page.text.slice(0, 300));
    assert.equal(findSetCookie(page.setCookies, 'zd_session'), null);
    // other accounts from the same address are not locked
    await login(fs.base, 'renhe-admin');
  });

  test('a successful login resets the account counter', async () => {
    for (let i = 0; i < 4; i++) assert.equal((await login(fs.base, 'yinxing-admin', 'wrong-password-x', { expect: null })).status, 401);
    await login(fs.base, 'yinxing-admin');
    for (let i = 0; i < 4; i++) assert.equal((await login(fs.base, 'yinxing-admin', 'wrong-password-y', { expect: null })).status, 401, `attempt ${i} after reset`);
    await login(fs.base, 'yinxing-admin');
  });
});

describe('login rate limit per address (fresh server)', () => {
  let fs;
  before(async () => { fs = await startServer(); });
  after(() => stopServer(fs));

  test('20 failures from one address (spread over logins) block every login from it with 429', async () => {
    for (let i = 1; i <= 20; i++) {
      const r = await login(fs.base, `nobody${i}`, 'wrong-password', { expect: null });
      assertJsonError(r.r, 401, 'unauthenticated', `failure ${i}`);
    }
    const r = await login(fs.base, 'county', DEMO_PW, { expect: null });
    assert.equal(assertJsonError(r.r, 429, 'rate_limited'), 'Too many failed logins; wait 15 minutes and try again.');
    assert.equal(r.cookie, null);
    // a forwarded-for header does not make it another address
    const xff = await login(fs.base, 'county', DEMO_PW, { expect: null, headers: { 'X-Forwarded-For': '203.0.113.9', 'X-Real-IP': '203.0.113.9' } });
    assertJsonError(xff.r, 429, 'rate_limited', 'with X-Forwarded-For');
  });
});
