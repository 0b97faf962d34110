// group_commit.test.mjs — public intakes that arrive together share one COMMIT
// (src/platform/group.c): every 201 is a stored, trackable case with its own number
// and audit entry; a bad submission in the same burst is refused alone and stores
// nothing; /metrics shows fewer COMMITs than writes; the audit chain verifies;
// a SIGTERM in the middle of a burst loses no acknowledged case.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { runCli, startServer, stopServer } from './lib.mjs';
import { auditCount, call, sqlScalar } from './auth_lib.mjs';
import { startAppealServer } from './appeal_lib.mjs';

const intake = (base, i, village = 'renhe') =>
  call(base, 'POST', '/api/v1/public/appeals', {
    json: { village, kind: 'village', content: `组提交测试第${i}件：路灯不亮`, place: `${i % 9 + 1}组` },
  });

function metric(text, name) {
  const m = text.match(new RegExp(`^${name} (\\d+)$`, 'm'));
  return m ? Number(m[1]) : NaN;
}

describe('group commit of public intake', () => {
  let srv;
  before(async () => { srv = await startAppealServer(); });
  after(() => stopServer(srv));

  test('a burst of 120 with 3 bad ones: 117 cases, each trackable, the bad ones refused and not stored', async () => {
    const before = Number(await sqlScalar(srv.db, 'SELECT count(*) FROM appeal'));
    const auditBefore = await auditCount(srv.db);
    const m0 = (await call(srv.base, 'GET', '/metrics')).text;
    const bad = new Set([17, 60, 101]);
    const rs = await Promise.all(Array.from({ length: 120 }, (_, i) => intake(srv.base, i, bad.has(i) ? 'no-such-village' : 'renhe')));
    const ok = rs.filter((r) => r.status === 201);
    assert.equal(ok.length, 117);
    for (const i of bad) {
      assert.equal(rs[i].status, 400);
      assert.match(rs[i].json.error.message, /no-such-village|村/);
    }
    const numbers = new Set(ok.map((r) => r.json.number));
    assert.equal(numbers.size, 117, 'every case has its own number');
    assert.equal(Number(await sqlScalar(srv.db, 'SELECT count(*) FROM appeal')) - before, 117);
    assert.equal(await auditCount(srv.db) - auditBefore, 117, 'one audit entry per case, none for the refused');
    for (const r of ok.slice(0, 20)) {
      const t = await call(srv.base, 'GET', `/api/v1/public/appeals/${r.json.number}?code=${encodeURIComponent(r.json.tracking_code)}`);
      assert.equal(t.status, 200);
      assert.equal(t.json.number, r.json.number);
      assert.equal(r.location, `/api/v1/public/appeals/${r.json.number}`);
    }
    const m1 = (await call(srv.base, 'GET', '/metrics')).text;
    const jobs = metric(m1, 'zhendi_group_commit_jobs_total') - metric(m0, 'zhendi_group_commit_jobs_total');
    const batches = metric(m1, 'zhendi_group_commit_batches_total') - metric(m0, 'zhendi_group_commit_batches_total');
    assert.equal(jobs, 117, 'refused input is answered before it reaches the writer');
    assert.ok(batches < jobs, `120 writes took ${batches} COMMITs`);
    assert.ok(metric(m1, 'zhendi_group_commit_largest') > 1);
  });

  test('clients that hang up before the answer: their cases stand, nothing is left waiting', async () => {
    const before = Number(await sqlScalar(srv.db, 'SELECT count(*) FROM appeal'));
    const body = JSON.stringify({ village: 'renhe', kind: 'village', content: '发完就断开的提交' });
    await Promise.all(Array.from({ length: 40 }, () => new Promise((resolve) => {
      const s = net.connect(srv.port, '127.0.0.1', () => {
        s.write(`POST /api/v1/public/appeals HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
        setImmediate(() => { s.destroy(); resolve(); });
      });
      s.on('error', resolve);
    })));
    // the writes that reached the group commit are stored; the server goes on answering
    await new Promise((res) => setTimeout(res, 300));
    const after = Number(await sqlScalar(srv.db, 'SELECT count(*) FROM appeal'));
    assert.ok(after - before <= 40);
    const r = await intake(srv.base, 4242);
    assert.equal(r.status, 201);
  });

  test('the audit chain verifies after the bursts', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => intake(srv.base, 1000 + i)));
    const v = await runCli(['audit', 'verify', '--db', srv.db]);
    assert.equal(v.code, 0, v.stderr + v.stdout);
    assert.match(v.stdout, /intact/);
  });
});

describe('SIGTERM during a burst', () => {
  test('every acknowledged case is there after the restart', async () => {
    const srv = await startAppealServer();
    const acked = [];
    let stop = false;
    const client = async (k) => {
      for (let i = 0; !stop; i++) {
        try {
          const r = await intake(srv.base, k * 10000 + i);
          if (r.status === 201) acked.push(r.json);
        } catch { return; } // the server has gone
      }
    };
    const clients = Array.from({ length: 16 }, (_, k) => client(k));
    await new Promise((res) => setTimeout(res, 400));
    srv.proc.kill('SIGTERM');
    const { code } = await srv.exited;
    stop = true;
    await Promise.all(clients);
    assert.equal(code, 0, `stopped cleanly: ${srv.stderr()}`);
    assert.ok(acked.length > 0);
    const again = await startServer({ db: srv.db, args: ['--public-rate', '100000'] });
    try {
      for (const a of acked) {
        const t = await call(again.base, 'GET', `/api/v1/public/appeals/${a.number}?code=${encodeURIComponent(a.tracking_code)}`);
        assert.equal(t.status, 200, `case ${a.number} acknowledged before the SIGTERM`);
      }
    } finally {
      await stopServer(again);
      await stopServer(srv);
    }
  });
});
