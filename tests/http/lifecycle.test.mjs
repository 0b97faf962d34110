// lifecycle.test.mjs — the command line (init, migrate, backup, version, --help)
// and the server's start-up refusals and graceful shutdown.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ENGINE, ROOT, makeTemp, rawConnect, rmTemp, runCli, startServer, stopServer } from './lib.mjs';

const temps = [];
function temp() {
  const d = makeTemp();
  temps.push(d);
  return d;
}
after(() => { for (const d of temps) rmTemp(d); });

/** The highest migration number shipped in sql/ (0001_org.sql -> 1). */
function latestSchema() {
  return Math.max(...readdirSync(path.join(ROOT, 'sql')).map((f) => /^(\d{4})_.*\.sql$/.exec(f)).filter(Boolean).map((m) => Number(m[1])));
}

const villageCodes = (html) => [...html.matchAll(/href="\/v\/([a-z0-9_-]+)"/g)].map((m) => m[1]);

describe('command line', () => {
  test('zhendi --help → exit 0, lists the commands', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    for (const c of ['serve', 'init', 'migrate', 'backup', 'version']) assert.match(r.stdout, new RegExp(`^  ${c}\\b`, 'm'), c);
  });

  for (const cmd of ['serve', 'init', 'migrate', 'backup', 'version']) {
    test(`zhendi ${cmd} --help → "usage: zhendi ${cmd}", exit 0`, async () => {
      const r = await runCli([cmd, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^usage: zhendi ${cmd}\\b`));
    });
  }

  test('an unknown command → exit 2 with a message', async () => {
    const r = await runCli(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
  });

  test('an unknown option → exit 2 with the usage', async () => {
    const r = await runCli(['init', '--nosuch']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /usage: zhendi init/);
  });

  test('no command at all → exit 2', async () => {
    assert.equal((await runCli([])).code, 2);
  });

  test('version prints the program and the schema version', async () => {
    const r = await runCli(['version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^zhendi \d+\.\d+\.\d+/);
    const m = /schema (\d+)/.exec(r.stdout);
    assert.ok(m, `no schema version in ${JSON.stringify(r.stdout)}`);
    assert.equal(Number(m[1]), latestSchema());
  });

  test('init without --demo creates an empty database at the current schema', async () => {
    const db = path.join(temp(), 'e.db');
    const r = await runCli(['init', '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`schema version ${latestSchema()}`));
    const s = await startServer({ db });
    try {
      const html = await (await fetch(`${s.base}/`)).text();
      assert.deepEqual(villageCodes(html), []);
      assert.ok(html.includes('zhendi init --demo'), 'the empty home page tells how to load the demo');
    } finally {
      await stopServer(s);
    }
  });

  test('init --demo twice: the second run succeeds and adds no duplicate villages', async () => {
    const db = path.join(temp(), 'd.db');
    const first = await runCli(['init', '--db', db, '--demo']);
    assert.equal(first.code, 0, first.stderr);
    const second = await runCli(['init', '--db', db, '--demo']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /already holds data/);
    const s = await startServer({ db });
    try {
      const codes = villageCodes(await (await fetch(`${s.base}/`)).text());
      assert.equal(codes.length, 8);
      assert.equal(new Set(codes).size, 8, `duplicates: ${codes}`);
      const t = await (await fetch(`${s.base}/api/v1/orgs/zhanerxiang`)).json();
      const kids = t.children.map((c) => c.code);
      assert.equal(new Set(kids).size, kids.length, `duplicate children: ${kids}`);
      assert.equal(t.children.filter((c) => c.kind === 'village').length, 8);
    } finally {
      await stopServer(s);
    }
  });

  test('migrate on a current database: 0 applied', async () => {
    const db = path.join(temp(), 'm.db');
    assert.equal((await runCli(['init', '--db', db])).code, 0);
    const r = await runCli(['migrate', '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^0 migration\(s\) applied/);
  });

  test('migrate on a new file applies every migration', async () => {
    const db = path.join(temp(), 'n.db');
    const r = await runCli(['migrate', '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${latestSchema()} migration\\(s\\) applied`));
  });

  test('backup DEST while the server runs; the copy serves the same villages', async () => {
    const s = await startServer();
    let s2;
    try {
      const before = villageCodes(await (await fetch(`${s.base}/`)).text());
      assert.equal(before.length, 8);
      const dest = path.join(temp(), 'copy.db');
      const r = await runCli(['backup', '--db', s.db, dest]);
      if (ENGINE === 'postgres') {
        // on PostgreSQL zhendi hands backups over to pg_dump and says so, writing nothing
        assert.equal(r.code, 1);
        assert.match(r.stderr, /pg_dump/);
        assert.equal(existsSync(dest), false);
        return;
      }
      assert.equal(r.code, 0, r.stderr);
      assert.ok(statSync(dest).size > 0, 'backup file is empty');
      // the live server still answers
      assert.equal((await fetch(`${s.base}/healthz`)).status, 200);
      s2 = await startServer({ db: dest });
      assert.notEqual(s2.port, s.port);
      const copy = villageCodes(await (await fetch(`${s2.base}/`)).text());
      assert.deepEqual(copy, before);
      const renhe = await (await fetch(`${s2.base}/api/v1/orgs/renhe`)).json();
      assert.equal(renhe.center.address, '站儿巷镇任河村村委会院内');
    } finally {
      await stopServer(s2);
      await stopServer(s);
    }
  });

  test('backup to an existing file fails and leaves the file untouched', async () => {
    const s = await startServer();
    try {
      const dest = path.join(temp(), 'exists.db');
      writeFileSync(dest, 'precious');
      const r = await runCli(['backup', '--db', s.db, dest]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /already exists/);
      assert.equal(readFileSync(dest, 'utf8'), 'precious');
    } finally {
      await stopServer(s);
    }
  });

  test('backup of a missing database fails', async () => {
    const d = temp();
    const r = await runCli(['backup', '--db', path.join(d, 'none.db'), path.join(d, 'out.db')]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no database/);
  });

  test('serve refuses a database whose schema is newer than the program', async () => {
    const db = path.join(temp(), 'future.db');
    assert.equal((await runCli(['init', '--db', db, '--demo'])).code, 0);
    execFileSync('sqlite3', [db, "INSERT INTO schema_migrations(version, name, applied_at) VALUES(9999, '9999_future.sql', 0);"]);
    const r = await runCli(['serve', '--db', db, '--listen', '127.0.0.1:0', '--quiet'], { timeoutMs: 10000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /newer/);
    assert.match(r.stderr, /9999/);
    const m = await runCli(['migrate', '--db', db]);
    assert.notEqual(m.code, 0);
    assert.match(m.stderr, /newer/);
  });

  test('serve with a bad --listen address exits non-zero', async () => {
    const db = path.join(temp(), 'l.db');
    assert.equal((await runCli(['init', '--db', db])).code, 0);
    const r = await runCli(['serve', '--db', db, '--listen', 'nonsense', '--quiet'], { timeoutMs: 10000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /listen address/);
  });
});

describe('graceful shutdown', () => {
  test('SIGTERM: exit 0 within 5 s, "stopped cleanly" on stderr', async () => {
    const s = await startServer();
    assert.equal((await fetch(`${s.base}/healthz`)).status, 200);
    const t0 = Date.now();
    const code = await s.stop({ timeoutMs: 5000 });
    assert.equal(code, 0);
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    assert.match(s.stderr(), /stopped cleanly/);
    await stopServer(s); // exit 0 and no sanitizer report
  });

  test('SIGTERM with an idle keep-alive connection open still exits 0 within 5 s', async () => {
    const s = await startServer();
    const c = await rawConnect(s.port);
    const r = await c.request('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    assert.equal(r.status, 200);
    const t0 = Date.now();
    const code = await s.stop({ timeoutMs: 5000 });
    c.close();
    assert.equal(code, 0);
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    assert.match(s.stderr(), /stopped cleanly/);
    await stopServer(s); // exit 0 and no sanitizer report
  });

  test('a request started before SIGTERM still gets its full response', async () => {
    const s = await startServer();
    const c = await rawConnect(s.port);
    try {
      // Headers and half a body: the request is in flight when the signal arrives.
      const body = 'a=1&b=2';
      await c.send(`GET /v/renhe HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 3)}`);
      await new Promise((r) => setTimeout(r, 200));
      const t0 = Date.now();
      s.proc.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      await c.send(body.slice(3));
      const res = await c.readResponse({ timeout: 5000 });
      assert.equal(res.status, 200);
      const html = res.text();
      assert.equal(Buffer.byteLength(html), Number(res.headers['content-length']));
      assert.ok(html.includes('站儿巷镇任河村村委会院内'), 'center address missing');
      assert.match(html, /<\/html>\s*$/, 'response cut short');
      const code = await s.stop({ timeoutMs: 5000 });
      assert.equal(code, 0);
      assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
      assert.match(s.stderr(), /stopped cleanly/);
      await stopServer(s); // exit 0 and no sanitizer report
    } finally {
      c.close();
      await s.stop().catch(() => {});
    }
  });

  test('a request whose body arrives only after SIGTERM is still answered', async () => {
    const s = await startServer();
    const c = await rawConnect(s.port);
    try {
      await c.send('GET /api/v1/orgs/renhe HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n');
      await new Promise((r) => setTimeout(r, 200));
      s.proc.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      await c.send('{}');
      const res = await c.readResponse({ timeout: 5000 });
      assert.equal(res.status, 200);
      assert.equal(JSON.parse(res.text()).code, 'renhe');
      assert.equal(await s.stop({ timeoutMs: 5000 }), 0);
      assert.match(s.stderr(), /stopped cleanly/);
      await stopServer(s); // exit 0 and no sanitizer report
    } finally {
      c.close();
      await s.stop().catch(() => {});
    }
  });
});
