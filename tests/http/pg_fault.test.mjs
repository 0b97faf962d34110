// PostgreSQL faults (issue 4): the database server stops while zhendi serves.
// Requests then get 503 with a clear message, nothing crashes, nothing is half
// written; when PostgreSQL is back, zhendi recovers by itself.
// It runs on its own throwaway cluster (scripts/pgtest.sh with another port),
// so that stopping it disturbs no other test. Only with ZHENDI_TEST_PG set.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PG, ROOT, psql, startServer, stopServer, makeTemp, rmTemp } from './lib.mjs';

const script = path.join(ROOT, 'scripts', 'pgtest.sh');
const dir = PG ? makeTemp('zhendi-pgfault-') : null;
const env = { ...process.env, PGTEST_DIR: dir || '', PGTEST_PORT: String(56000 + (process.pid % 1000)) };
const pgctl = (what) => {
  const r = spawnSync(script, [what], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, `pgtest.sh ${what}: ${r.stderr}`);
  return r.stdout.trim();
};
// pg_ctl start/stop of the same data directory, keeping the data
const bin = spawnSync('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1'], { encoding: 'utf8' }).stdout.trim();
const asPg = (args) => (process.getuid() === 0 ? ['runuser', ['-u', 'postgres', '--', ...args]] : [args[0], args.slice(1)]);
const ctl = (...args) => {
  const [cmd, a] = asPg([`${bin}/pg_ctl`, '-D', `${dir}/data`, ...args]);
  const r = spawnSync(cmd, a, { encoding: 'utf8' });
  assert.equal(r.status, 0, `pg_ctl ${args.join(' ')}: ${r.stderr}${r.stdout}`);
};

describe('PostgreSQL stopped while zhendi serves', { skip: !PG && 'runs only with ZHENDI_TEST_PG (PostgreSQL suite)' }, () => {
  let url, srv;
  before(async () => {
    const base = pgctl('start');
    await psql('CREATE DATABASE fault', base);
    url = base.replace(/\/[^/]*$/, '/fault');
    srv = await startServer({ db: url, args: ['--public-rate', '1000'], initDb: true });
  });
  after(async () => {
    await stopServer(srv).catch(() => {});
    spawnSync(script, ['stop'], { env });
    rmTemp(dir);
  });

  const count = async () => Number((await psql('SELECT count(*) FROM appeal', url)).trim());
  const submit = (content) => fetch(`${srv.base}/api/v1/public/appeals`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ village: 'renhe', kind: 'village', content }),
  });

  test('503 with a clear message while it is down, then recovery without a restart', async () => {
    assert.equal((await fetch(`${srv.base}/healthz`)).status, 200);
    const before = await count();
    const ok = await submit('停库前的一件事');
    assert.equal(ok.status, 201);

    ctl('-m', 'fast', 'stop');
    for (const p of ['/healthz', '/v/renhe', '/api/v1/orgs/renhe']) {
      const r = await fetch(`${srv.base}${p}`);
      assert.equal(r.status, 503, p);
      const text = await r.text();
      if (p.startsWith('/api') || p === '/healthz') {
        const j = JSON.parse(text);
        assert.equal(j.error.code, 'unavailable');
        assert.match(j.error.message, /not reachable|not answering/);
        assert.doesNotMatch(j.error.message, /FATAL|terminating|server closed/); // no internals
      } else {
        assert.match(text, /服务暂时不可用|数据库暂时无法访问/);
      }
    }
    const down = await submit('停库时的一件事');
    assert.equal(down.status, 503);
    assert.equal(srv.proc.exitCode, null, 'the server is still running');

    ctl('-w', '-l', `${dir}/server.log`, '-o', `-p ${env.PGTEST_PORT} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start');
    // the first request after the restart is answered: a broken connection is
    // found out by the request itself, and a read (or a BEGIN) is sent again on a new one
    const first = await fetch(`${srv.base}/healthz`);
    assert.equal(first.status, 200, 'zhendi did not recover at once after PostgreSQL came back');
    assert.equal((await fetch(`${srv.base}/v/renhe`)).status, 200);
    const again = await submit('恢复后的一件事');
    assert.equal(again.status, 201, await again.text());
    // the acknowledged ones are there, the refused one is not, and nothing half-written
    assert.equal(await count(), before + 2);
    const orphans = await psql('SELECT count(*) FROM appeal a WHERE NOT EXISTS (SELECT 1 FROM appeal_event e WHERE e.appeal_id = a.id)', url);
    assert.equal(orphans.trim(), '0');
    const v = spawnSync(process.env.ZHENDI_BIN || path.join(ROOT, 'build/zhendi'), ['audit', 'verify', '--db', url], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stdout + v.stderr);
  });
});
