// zhendi copy (issue 4): a township's SQLite file moves into an empty PostgreSQL
// database, audit chain included (it verifies there), and a non-empty target is
// refused. Only with ZHENDI_TEST_PG (the PostgreSQL suite).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { PG, dropPgDatabase, freshPgDatabase, makeTemp, psql, rmTemp, runCli, startServer, stopServer } from './lib.mjs';

describe('zhendi copy --from FILE.db --to postgres://', { skip: !PG && 'runs only with ZHENDI_TEST_PG (PostgreSQL suite)' }, () => {
  let dir, file, url;
  before(async () => {
    dir = makeTemp('zhendi-copy-');
    file = path.join(dir, 'township.db');
    const init = await runCli(['init', '--db', file, '--demo']);
    assert.equal(init.code, 0, init.stderr);
    url = await freshPgDatabase();
  });
  after(async () => {
    await dropPgDatabase(url).catch(() => {});
    rmTemp(dir);
  });

  test('copies every table, says how many rows, and the audit chain verifies on the target', async () => {
    const headFile = (await runCli(['audit', 'head', '--db', file])).stdout;
    const r = await runCli(['copy', '--from', file, '--to', url], { timeoutMs: 60000 });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /Copied \d+ rows; the audit chain verifies on the target \(\d+ entries\)/);
    assert.match(r.stderr, /org\s+\d+ rows/); // progress per table
    assert.equal((await runCli(['audit', 'head', '--db', url])).stdout, headFile);
    assert.equal((await runCli(['audit', 'verify', '--db', url])).code, 0);
    for (const t of ['org', 'users', 'appeal', 'audit']) {
      const n = (await psql(`SELECT count(*) FROM ${t}`, url)).trim();
      assert.ok(Number(n) > 0, `${t} is empty on the target`);
    }
  });

  test('the copy serves: the demo villages, logins and new records with fresh ids', async () => {
    const srv = await startServer({ db: url });
    try {
      const home = await (await fetch(`${srv.base}/`)).text();
      assert.match(home, /任河村/);
      const s = await fetch(`${srv.base}/api/v1/session`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ login: 'renhe-cadre', password: 'zhendi-demo' }),
      });
      assert.equal(s.status, 200);
      const a = await fetch(`${srv.base}/api/v1/public/appeals`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ village: 'renhe', kind: 'village', content: '迁移后的第一件事' }),
      });
      assert.equal(a.status, 201, await a.text()); // identity sequences continue after the copied ids
    } finally {
      await stopServer(srv);
    }
  });

  test('a target that already holds data is refused, and left as it was', async () => {
    const before = (await psql('SELECT count(*) FROM audit', url)).trim();
    const r = await runCli(['copy', '--from', file, '--to', url], { timeoutMs: 60000 });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not empty/);
    assert.equal((await psql('SELECT count(*) FROM audit', url)).trim(), before);
  });

  test('a missing source file is refused with a message', async () => {
    const r = await runCli(['copy', '--from', path.join(dir, 'nope.db'), '--to', url]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read/);
  });
});
