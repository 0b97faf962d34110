// cli_identity.test.mjs — first run (`zhendi init` without --demo and its one-time setup
// link), the demo logins of `init --demo`, and the identity commands `zhendi user add`
// (password on stdin) and `zhendi token create`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { makeTemp, rmTemp, runCli, startServer, stopServer } from './lib.mjs';
import {
  DEMO_LOGINS, DEMO_PW, DEMO_USERS, assertJsonError, auditCount, auditRows, call, login, runCliInput, sha256hex, sqlOk, sqlScalar,
} from './auth_lib.mjs';

const ADMIN_PW = 'first-admin-password';
const CLI_ACTOR = `cli:${process.env.USER ?? 'unknown'}`;
const setupToken = (stdout) => {
  const m = /\/setup\?token=([A-Za-z0-9_-]+)/.exec(stdout);
  return m ? m[1] : null;
};

describe('first run: init without --demo prints a one-time setup link', () => {
  let dir, db, srv, first, token;
  before(async () => {
    dir = makeTemp('zhendi-firstrun-');
    db = path.join(dir, 'new.db');
  });
  after(async () => {
    await stopServer(srv);
    rmTemp(dir);
  });

  test('init prints the link and no password; the database keeps only its hash', async () => {
    const r = await runCli(['init', '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    first = setupToken(r.stdout);
    assert.ok(first, `no setup link in: ${r.stdout}`);
    assert.match(first, /^[A-Za-z0-9_-]{43}$/);
    assert.match(r.stdout, /http:\/\/[^\s]+\/setup\?token=/);
    assert.doesNotMatch(r.stdout + r.stderr, /password|passwort|密码|zhendi-demo/i);
    assert.deepEqual(await sqlOk(db, 'SELECT token_hash FROM setup_token'), [sha256hex(first)]);
    assert.equal(await sqlScalar(db, 'SELECT count(*) FROM users'), '0');
  });

  test('init again, while there is still no admin, gives a new link and spends the old one', async () => {
    const r = await runCli(['init', '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    token = setupToken(r.stdout);
    assert.ok(token && token !== first, r.stdout);
    assert.deepEqual(await sqlOk(db, 'SELECT token_hash FROM setup_token'), [sha256hex(token)]);
  });

  test('GET /setup?token= answers 200 with the form; a wrong or old token 404', async () => {
    srv = await startServer({ db });
    const r = await call(srv.base, 'GET', `/setup?token=${token}`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    assert.ok(r.text.includes(`name="token" value="${token}"`), 'the form does not carry the token');
    for (const f of ['county_name', 'county_code', 'login', 'password']) assert.ok(r.text.includes(`name="${f}"`), `no ${f} field`);
    assert.ok(/<form method="post" action="\/setup">/.test(r.text));
    for (const bad of [first, 'wrong', '', `${token}x`]) assert.equal((await call(srv.base, 'GET', `/setup?token=${bad}`)).status, 404, bad);
    assert.equal((await call(srv.base, 'GET', '/setup')).status, 404);
  });

  test('POST /setup with bad input shows the form again (400) and keeps the link usable', async () => {
    const form = { token, county_name: '两当县', county_code: 'liangdang', login: 'admin', password: ADMIN_PW };
    for (const bad of [{ password: 'short' }, { county_code: 'Not A Code' }, { login: 'A' }, { county_name: '' }]) {
      const r = await call(srv.base, 'POST', '/setup', { form: { ...form, ...bad } });
      assert.equal(r.status, 400, `${JSON.stringify(bad)}: ${r.status}`);
      assert.ok(r.text.includes(`name="token" value="${token}"`));
      assert.ok(r.text.includes('role="alert"'), 'no error shown');
    }
    const wrong = await call(srv.base, 'POST', '/setup', { form: { ...form, token: 'wrong' } });
    assert.equal(wrong.status, 404);
    assert.equal(await sqlScalar(db, 'SELECT count(*) FROM users'), '0');
    assert.equal(await sqlScalar(db, 'SELECT count(*) FROM org'), '0');
    assert.equal(await sqlScalar(db, 'SELECT count(*) FROM audit'), '0');
    assert.equal((await call(srv.base, 'GET', `/setup?token=${token}`)).status, 200, 'the link was spent by a failed attempt');
  });

  test('POST /setup creates the county and its admin: 303 to /login; the link then answers 404', async () => {
    const form = { token, county_name: '两当县', county_code: 'liangdang', login: 'admin', password: ADMIN_PW };
    const r = await call(srv.base, 'POST', '/setup', { form });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    assert.equal(r.location, '/login');
    assert.equal((await call(srv.base, 'GET', `/setup?token=${token}`)).status, 404);
    const again = await call(srv.base, 'POST', '/setup', { form: { ...form, county_code: 'other', login: 'admin2' } });
    assert.equal(again.status, 404);
    assert.equal(await sqlScalar(db, 'SELECT count(*) FROM setup_token'), '0');
    assert.equal(await sqlScalar(db, 'SELECT count(*) FROM users'), '1');
  });

  test('the new admin logs in as county admin of the new county, and the setup is audited', async () => {
    const s = await login(srv.base, 'admin', ADMIN_PW);
    assert.deepEqual(s.body.user.roles, [{ role: 'county-admin', scope: 'liangdang' }]);
    const org = await call(srv.base, 'GET', '/api/v1/orgs/liangdang');
    assert.equal(org.status, 200);
    assert.equal(org.json.kind, 'county');
    assert.equal(org.json.name, '两当县');
    assert.equal(org.json.parent, null);
    const rows = await auditRows(db);
    assert.deepEqual(rows.slice(0, 3).map((r) => [r.actor, r.action]), [['system:setup', 'org.create'], ['system:setup', 'user.create'], ['system:setup', 'user.role.add']]);
    assert.ok(!JSON.stringify(rows).includes(ADMIN_PW));
    // and can build the tree from there
    const t = await call(srv.base, 'POST', '/api/v1/orgs', { auth: s, json: { code: 'zhanerxiang', kind: 'township', name: '站儿巷镇', parent: 'liangdang' } });
    assert.equal(t.status, 201, t.text);
    const v = await runCli(['audit', 'verify', '--db', db]);
    assert.equal(v.code, 0, v.stdout);
  });

  test('init on a database that has an admin prints no new link', async () => {
    await stopServer(srv);
    srv = null;
    const r = await runCli(['init', '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(setupToken(r.stdout), null, r.stdout);
    assert.equal(await sqlScalar(db, 'SELECT count(*) FROM setup_token'), '0');
  });
});

describe('first run from the command line', () => {
  let dir;
  before(() => { dir = makeTemp('zhendi-firstcli-'); });
  after(() => rmTemp(dir));

  test('an empty database: the audit chain is intact with 0 entries and the head is the genesis', async () => {
    const db = path.join(dir, 'empty.db');
    assert.equal((await runCli(['init', '--db', db])).code, 0);
    const v = await runCli(['audit', 'verify', '--db', db]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /intact: 0 entries/);
    const h = await runCli(['audit', 'head', '--db', db]);
    assert.equal(h.stdout, `0 ${'0'.repeat(64)}\n`);
  });

  test('init on a fresh database offers only advice that works: the setup link, no county-admin command without a county', async () => {
    const db = path.join(dir, 'cli-first.db');
    const init = await runCli(['init', '--db', db]);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /\/setup\?token=[A-Za-z0-9_-]{20,}/);
    // A fresh database has no organisation, so a `user add --role county-admin --scope CODE`
    // could not work yet; init must not offer it as an alternative to the link.
    assert.doesNotMatch(init.stdout, /--role county-admin --scope/);
    assert.doesNotMatch(init.stdout, /password:/i);
  });

  test('user add, once there is an organisation, spends the setup link', async () => {
    const db = path.join(dir, 'cli-spend.db');
    const init = await runCli(['init', '--db', db]);
    const tok = setupToken(init.stdout);
    assert.ok(tok);
    await sqlOk(db, "INSERT INTO org(code, kind, name) VALUES('liangdang', 'county', '两当县'); INSERT INTO org_closure(ancestor, descendant, depth) SELECT id, id, 0 FROM org");
    const r = await runCliInput(['user', 'add', '--db', db, '--login', 'boss', '--role', 'county-admin', '--scope', 'liangdang'], `${ADMIN_PW}\n`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await sqlScalar(db, 'SELECT count(*) FROM setup_token'), '0');
    const srv = await startServer({ db });
    try {
      assert.equal((await call(srv.base, 'GET', `/setup?token=${tok}`)).status, 404);
      const s = await login(srv.base, 'boss', ADMIN_PW);
      assert.deepEqual(s.body.user.roles, [{ role: 'county-admin', scope: 'liangdang' }]);
    } finally {
      await stopServer(srv);
    }
  });
});

describe('init --demo', () => {
  let dir;
  before(() => { dir = makeTemp('zhendi-demo-'); });
  after(() => rmTemp(dir));

  test('prints every demo login with its role and scope, and the password; no setup link', async () => {
    const db = path.join(dir, 'demo.db');
    const r = await runCli(['init', '--db', db, '--demo']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(`password: ${DEMO_PW}`), r.stdout);
    for (const l of DEMO_LOGINS) {
      const [role, scope] = DEMO_USERS[l];
      assert.match(r.stdout, new RegExp(`^\\s+${l}\\s+${role}\\s+at ${scope}\\b`, 'm'), `${l} missing in:\n${r.stdout}`);
    }
    assert.equal(setupToken(r.stdout), null);
    assert.equal(await sqlScalar(db, 'SELECT count(*) FROM setup_token'), '0');
    const again = await runCli(['init', '--db', db, '--demo']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /already holds data/);
    assert.equal(await sqlScalar(db, 'SELECT count(*) FROM users'), String(DEMO_LOGINS.length));
  });

  test('--demo-password sets the demo users\' password', async () => {
    const db = path.join(dir, 'demo-pw.db');
    const r = await runCli(['init', '--db', db, '--demo', '--demo-password', 'another-demo-pw']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /password: another-demo-pw/);
    const srv = await startServer({ db });
    try {
      await login(srv.base, 'renhe-admin', 'another-demo-pw');
      assert.equal((await login(srv.base, 'renhe-cadre', DEMO_PW, { expect: null })).status, 401);
    } finally {
      await stopServer(srv);
    }
  });
});

describe('zhendi user add and token create (against a running server\'s database)', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(() => stopServer(srv));

  test('user add reads the password from stdin; the user logs in with the role at the scope', async () => {
    const n = await auditCount(srv.db);
    const r = await runCliInput(['user', 'add', '--db', srv.db, '--login', 'cli-user', '--role', 'cadre', '--scope', 'dashan', '--name', '大山村 值班干部'], 'cli-user-password\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'User cli-user added as cadre at dashan.');
    assert.ok(!(r.stdout + r.stderr).includes('cli-user-password'));
    const rows = await auditRows(srv.db, n);
    assert.deepEqual(rows.map((x) => [x.actor, x.action]), [[CLI_ACTOR, 'user.create'], [CLI_ACTOR, 'user.role.add']]);
    const s = await login(srv.base, 'cli-user', 'cli-user-password');
    assert.deepEqual(s.body.user.roles, [{ role: 'cadre', scope: 'dashan' }]);
    const users = await call(srv.base, 'GET', '/api/v1/orgs/dashan/users', { auth: s });
    assert.ok(users.json.users.some((u) => u.login === 'cli-user' && u.display_name === '大山村 值班干部'), users.text);
    assert.match(await sqlScalar(srv.db, "SELECT pw_hash FROM users WHERE login = 'cli-user'"), /^\$argon2id\$/);
  });

  test('user add refuses bad input with a clear message and creates nothing', async () => {
    const n = await auditCount(srv.db);
    const users = await sqlScalar(srv.db, 'SELECT count(*) FROM users');
    const args = (o) => ['user', 'add', '--db', srv.db, ...Object.entries(o).flatMap(([k, v]) => [`--${k}`, v])];
    const ok = { login: 'cli-bad', role: 'cadre', scope: 'dashan' };
    const cases = [
      [args({ ...ok, role: 'king' }), 'good-password-1\n', 2, /unknown role/],
      [args({ login: 'cli-bad', role: 'cadre' }), 'good-password-1\n', 2, /required/],
      [args(ok), '', 2, /no password/],
      [args(ok), 'short\n', 1, /at least 10/],
      [args({ ...ok, scope: 'nosuch' }), 'good-password-1\n', 1, /nosuch/],
      [args({ ...ok, role: 'center-admin', scope: 'liangdang' }), 'good-password-1\n', 1, /cannot be held/],
      [args({ ...ok, login: 'Bad Login' }), 'good-password-1\n', 1, /login/],
      [args({ ...ok, login: 'renhe-admin' }), 'good-password-1\n', 1, /taken/],
      [[...args(ok), 'extra'], 'good-password-1\n', 2, /unexpected/],
      [['user', 'remove', '--db', srv.db], '', 2, /user add/],
    ];
    for (const [a, input, code, msg] of cases) {
      const r = await runCliInput(a, input);
      assert.equal(r.code, code, `${a.slice(3).join(' ')}: exit ${r.code} ${r.stderr}`);
      assert.match(r.stderr, msg, `${a.slice(3).join(' ')}: ${r.stderr}`);
    }
    assert.equal(await sqlScalar(srv.db, 'SELECT count(*) FROM users'), users);
    assert.equal(await auditCount(srv.db), n);
  });

  test('token create prints a token that works as Bearer; only its hash is stored; the owner can revoke it', async () => {
    const n = await auditCount(srv.db);
    const r = await runCli(['token', 'create', '--db', srv.db, '--login', 'renhe-admin', '--label', 'ci']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^zd_[A-Za-z0-9_-]{43}\n$/);
    const token = r.stdout.trim();
    const rows = await sqlOk(srv.db, "SELECT t.id || '|' || t.token_hash || '|' || t.label FROM api_token t JOIN users u ON u.id = t.user_id WHERE u.login = 'renhe-admin' ORDER BY t.id DESC LIMIT 1");
    const [id, hash, label] = rows[0].split('|');
    assert.equal(hash, sha256hex(token));
    assert.equal(label, 'ci');
    assert.ok(!(await sqlOk(srv.db, '.dump')).join('\n').includes(token.slice(3)), 'the token is in the database');
    assert.deepEqual((await auditRows(srv.db, n)).map((x) => [x.actor, x.action, x.object]), [[CLI_ACTOR, 'token.create', `token:${id}`]]);
    const me = await call(srv.base, 'GET', '/api/v1/me', { auth: { token } });
    assert.equal(me.status, 200);
    assert.deepEqual(me.json, { login: 'renhe-admin', via: 'token', roles: [{ role: 'center-admin', scope: 'renhe' }] });
    const w = await call(srv.base, 'PATCH', '/api/v1/orgs/renhe', { auth: { token }, json: { name_en: 'Renhe Village' } });
    assert.equal(w.status, 200, w.text);
    // revoked by its owner through the API
    const s = await login(srv.base, 'renhe-admin');
    assert.equal((await call(srv.base, 'DELETE', `/api/v1/tokens/${id}`, { auth: s })).status, 204);
    assertJsonError(await call(srv.base, 'GET', '/api/v1/me', { auth: { token } }), 401, 'unauthenticated');
    // the default label is "cli"
    const d = await runCli(['token', 'create', '--db', srv.db, '--login', 'leader']);
    assert.equal(d.code, 0);
    assert.equal(await sqlScalar(srv.db, `SELECT label FROM api_token WHERE token_hash = '${sha256hex(d.stdout.trim())}'`), 'cli');
  });

  test('token create for an unknown login, or without --login, fails and prints no token', async () => {
    const n = await auditCount(srv.db);
    const tokens = await sqlScalar(srv.db, 'SELECT count(*) FROM api_token');
    const a = await runCli(['token', 'create', '--db', srv.db, '--login', 'nobody']);
    assert.equal(a.code, 1);
    assert.equal(a.stdout, '');
    assert.match(a.stderr, /No such user/);
    const b = await runCli(['token', 'create', '--db', srv.db]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /--login is required/);
    assert.equal(b.stdout, '');
    assert.equal(await sqlScalar(srv.db, 'SELECT count(*) FROM api_token'), tokens);
    assert.equal(await auditCount(srv.db), n);
  });

  test('--help of user and token', async () => {
    for (const c of ['user', 'token']) {
      const r = await runCli([c, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^usage: zhendi ${c} `));
    }
  });
});
