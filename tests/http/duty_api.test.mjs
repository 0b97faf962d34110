// duty_api.test.mjs — the JSON API of 管 duty on a demo server: roster generation
// (fair within ±1, holidays and make-up days, leave respected, nobody in two villages
// on one day), swaps approved by the center admin, check-in with the rotating QR secret
// (this week's and last week's accepted, older and forged refused, another village's
// cadre refused), check-out and forgotten check-outs, the public whereabouts board, the
// duty log turning a visit into an appeal, coverage arithmetic at month and day edges,
// posts and deeds, the iCalendar feed; bad input gets a clear 4xx and changes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer } from './lib.mjs';
import { assertJsonError, call, createToken, login, sqlOk, sqlScalar } from './auth_lib.mjs';
import {
  dayOf, dayStart, fmtDate, icsEvents, localDay, monthDays, monthOf, nowSec, qrSecret, qrWeek, spread, unfoldIcs, weekday,
} from './duty_lib.mjs';

let srv;
const tok = {};
const PW = 'duty-test-password-1';
const today = localDay();
const future = (k) => monthOf(today, k); // "YYYY-MM" k months ahead

before(async () => {
  srv = await startServer();
  for (const l of ['renhe-admin', 'renhe-cadre', 'renhe-supervisor', 'yinxing-admin', 'county', 'township', 'leader']) {
    tok[l] = { token: (await createToken(srv.base, await login(srv.base, l), `duty-${l}`)).token };
  }
  // a cadre serving two villages (renhe and yinxing), and a cadre of gaoping for the coverage cases
  for (const [loginName, scope] of [['shared-cadre', 'renhe'], ['gaoping-cadre', 'gaoping']]) {
    const r = await call(srv.base, 'POST', '/api/v1/users', { auth: tok.county, json: { login: loginName, password: PW, role: 'cadre', scope, display_name: loginName } });
    assert.equal(r.status, 201, r.text);
    tok[loginName] = { token: (await createToken(srv.base, await login(srv.base, loginName, PW), 'duty')).token };
  }
  await sqlOk(srv.db, "INSERT INTO user_role(user_id, role, org_id) VALUES((SELECT id FROM users WHERE login = 'shared-cadre'), 'cadre', (SELECT id FROM org WHERE code = 'yinxing'))");
});
after(() => stopServer(srv));

const api = (method, path, who, json) => call(srv.base, method, path, { auth: who ? tok[who] : undefined, json });
const auditN = async () => Number(await sqlScalar(srv.db, 'SELECT count(*) FROM audit'));
const rows = async (table) => Number(await sqlScalar(srv.db, `SELECT count(*) FROM ${table}`));
/** The tables a refused request must leave alone, and the audit trail. */
async function snapshot() {
  const t = {};
  for (const x of ['duty_shift', 'duty_roster', 'duty_swap', 'duty_leave', 'duty_checkin', 'duty_status', 'duty_log', 'duty_post', 'duty_deed', 'duty_hours', 'duty_holiday', 'appeal', 'audit']) t[x] = await rows(x);
  t.statuses = (await sqlOk(srv.db, 'SELECT org_id, user_id, status, set_at FROM duty_status ORDER BY 1, 2')).join(';');
  t.shifts = (await sqlOk(srv.db, 'SELECT id, COALESCE(user_id, 0) FROM duty_shift ORDER BY id')).join(';');
  return t;
}
async function unchanged(fn, what) {
  const a = await snapshot();
  const r = await fn();
  const b = await snapshot();
  assert.deepEqual(b, a, `${what}: something changed`);
  return r;
}
/** Shifts per cadre on the roster (those chosen when it was made). */
const counts = (roster) => {
  const chosen = roster.roster_cadres.split(',');
  return Object.fromEntries(roster.cadres.filter((c) => chosen.includes(c.login)).map((c) => [c.login, c.shifts]));
};

describe('roster', () => {
  test('the demo month: one shift a day, workdays on duty and weekends on call, shares within ±1', async () => {
    const month = monthOf(today);
    const r = await api('GET', `/api/v1/villages/renhe/roster/${month}`, 'renhe-supervisor');
    assert.equal(r.status, 200, r.text);
    const { n, first } = monthDays(month);
    assert.equal(r.json.generated, true);
    assert.equal(r.json.shifts.length, n);
    r.json.shifts.forEach((s, i) => {
      assert.equal(s.date, fmtDate(first + i));
      assert.equal(s.weekday, weekday(first + i));
      assert.equal(s.kind, s.day_kind === 'workday' ? 'duty' : 'oncall');
      assert.ok(['renhe-admin', 'renhe-cadre'].includes(s.cadre), JSON.stringify(s));
    });
    assert.ok(spread(counts(r.json)) <= 1, JSON.stringify(r.json.cadres));
  });

  test('generate a future month: 201, every day on the roster, counts within ±1, one audit entry', async () => {
    const month = future(2);
    const a0 = await auditN();
    const r = await api('POST', `/api/v1/villages/renhe/roster/${month}/generate`, 'renhe-admin', {});
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.result.shifts, monthDays(month).n);
    assert.equal(r.json.result.unfilled, 0);
    assert.ok(spread(counts(r.json)) <= 1);
    const on = r.json.cadres.filter((c) => c.login in counts(r.json)).map((c) => c.oncall);
    assert.ok(Math.max(...on) - Math.min(...on) <= 1, 'on-call shifts spread evenly');
    assert.equal(await auditN(), a0 + 1);
    assert.equal(await sqlScalar(srv.db, "SELECT action FROM audit ORDER BY seq DESC LIMIT 1"), 'duty.roster.generate');
    // again: 409, nothing changes; with replace: 201
    const again = await unchanged(() => api('POST', `/api/v1/villages/renhe/roster/${month}/generate`, 'renhe-admin', {}), 'second generate');
    assertJsonError(again, 409, 'conflict');
    const rep = await api('POST', `/api/v1/villages/renhe/roster/${month}/generate`, 'renhe-admin', { replace: true });
    assert.equal(rep.status, 201, rep.text);
    assert.equal(rep.json.result.replaced, true);
  });

  test('the holiday calendar: a day off becomes on-call, a make-up Saturday a duty day', async () => {
    const month = future(3);
    const { first, n } = monthDays(month);
    const weekdays = [...Array(n).keys()].map((i) => first + i);
    const off = weekdays.find((d) => weekday(d) === 3); // a Wednesday
    const sat = weekdays.find((d) => weekday(d) === 6); // a Saturday
    const put = await api('PUT', '/api/v1/orgs/zhanerxiang/holidays', 'township', { days: [{ date: fmtDate(off), off: true, name: '测试假日' }, { date: fmtDate(sat), off: false, name: '调休上班' }] });
    assert.equal(put.status, 200, put.text);
    const g = await api('POST', `/api/v1/villages/yinxing/roster/${month}/generate`, 'yinxing-admin', {});
    assert.equal(g.status, 201, g.text);
    const byDate = Object.fromEntries(g.json.shifts.map((s) => [s.date, s]));
    assert.equal(byDate[fmtDate(off)].day_kind, 'holiday');
    assert.equal(byDate[fmtDate(off)].kind, 'oncall');
    assert.equal(byDate[fmtDate(sat)].day_kind, 'workday');
    assert.equal(byDate[fmtDate(sat)].kind, 'duty');
    // a village holds the calendar of its township and county: GET shows both
    const h = await api('GET', `/api/v1/orgs/yinxing/holidays?year=${month.slice(0, 4)}`);
    assert.equal(h.status, 200, h.text);
    assert.ok(h.json.days.some((d) => d.date === fmtDate(off) && d.off === true));
    // bad calendars change nothing
    for (const body of [{ days: [{ date: '2026-02-30', off: true }] }, { days: [{ date: fmtDate(off) }] }, { days: 'x' }, { clear: ['2026-13-01'] }]) {
      const r = await unchanged(() => api('PUT', '/api/v1/orgs/zhanerxiang/holidays', 'township', body), JSON.stringify(body));
      assertJsonError(r, 400, 'invalid_input');
    }
    assertJsonError(await api('PUT', '/api/v1/orgs/zhanerxiang/holidays', 'renhe-admin', { days: [] }), 404, 'not_found');
  });

  test('bad input: a month like 2026-13, a village with no cadres, a non-cadre chosen — clear 4xx, nothing changes', async () => {
    for (const m of ['2026-13', '2026-00', '2026-1', '26-11', 'abc']) {
      const r = await unchanged(() => api('POST', `/api/v1/villages/renhe/roster/${m}/generate`, 'renhe-admin', {}), m);
      assert.match(assertJsonError(r, 400, 'invalid_input'), /2026-11/);
      assertJsonError(await api('GET', `/api/v1/villages/renhe/roster/${m}`, 'renhe-admin'), 400, 'invalid_input');
    }
    const none = await unchanged(() => api('POST', `/api/v1/villages/dashan/roster/${future(1)}/generate`, 'township', {}), 'dashan');
    assert.match(assertJsonError(none, 409, 'conflict'), /no cadres/);
    const bad = await unchanged(() => api('POST', `/api/v1/villages/renhe/roster/${future(4)}/generate`, 'renhe-admin', { cadres: ['renhe-admin', 'renhe-supervisor'] }), 'supervisor chosen');
    assertJsonError(bad, 400, 'invalid_input');
    assertJsonError(await api('POST', `/api/v1/villages/renhe/roster/${future(4)}/generate`, 'renhe-admin', { cadres: [] }), 400, 'invalid_input');
    assertJsonError(await api('POST', `/api/v1/villages/renhe/roster/${future(4)}/generate`, 'renhe-admin', { cadres: 'x' }), 400, 'invalid_input');
    assertJsonError(await api('POST', `/api/v1/villages/renhe/roster/${future(4)}/generate`, 'renhe-admin', { extra: 1 }), 400, 'invalid_input');
    // scope and roles
    assertJsonError(await api('POST', `/api/v1/villages/renhe/roster/${future(4)}/generate`, 'yinxing-admin', {}), 404, 'not_found');
    assertJsonError(await api('POST', `/api/v1/villages/renhe/roster/${future(4)}/generate`, 'renhe-cadre', {}), 403, 'forbidden');
    assertJsonError(await api('GET', `/api/v1/villages/renhe/roster/${future(0)}`, 'yinxing-admin'), 404, 'not_found');
    assertJsonError(await api('GET', `/api/v1/villages/nosuch/roster/${future(0)}`, 'county'), 404, 'not_found');
    assertJsonError(await api('GET', `/api/v1/villages/zhanerxiang/roster/${future(0)}`, 'county'), 404, 'not_found');
    assertJsonError(await api('GET', `/api/v1/villages/renhe/roster/${future(0)}`), 401, 'unauthenticated');
  });

  test('a cadre of two villages is never on duty in both on one day; each village fair within ±1', async () => {
    const month = future(5);
    const r1 = await api('POST', `/api/v1/villages/renhe/roster/${month}/generate`, 'renhe-admin', {});
    assert.equal(r1.status, 201, r1.text);
    const r2 = await api('POST', `/api/v1/villages/yinxing/roster/${month}/generate`, 'yinxing-admin', {});
    assert.equal(r2.status, 201, r2.text);
    assert.ok(r1.json.cadres.some((c) => c.login === 'shared-cadre'));
    assert.ok(r2.json.cadres.some((c) => c.login === 'shared-cadre'));
    const a = new Set(r1.json.shifts.filter((s) => s.cadre === 'shared-cadre').map((s) => s.date));
    const b = r2.json.shifts.filter((s) => s.cadre === 'shared-cadre').map((s) => s.date);
    assert.ok(a.size > 0 && b.length > 0);
    for (const d of b) assert.ok(!a.has(d), `shared-cadre in both villages on ${d}`);
    assert.ok(spread(counts(r1.json)) <= 1, JSON.stringify(r1.json.cadres));
    assert.ok(spread(counts(r2.json)) <= 1, JSON.stringify(r2.json.cadres));
    // the database refuses it too
    const two = await sqlOk(srv.db, 'SELECT count(*) FROM (SELECT user_id, day FROM duty_shift WHERE user_id IS NOT NULL GROUP BY user_id, day HAVING count(*) > 1) x');
    assert.deepEqual(two, ['0']);
  });
});

describe('leave and swaps', () => {
  const month = future(6);
  let leaveDays;
  test('leave is respected by the generator', async () => {
    const { first } = monthDays(month);
    leaveDays = [first + 2, first + 3, first + 4].map(fmtDate);
    const l = await api('POST', '/api/v1/villages/renhe/leave', 'renhe-cadre', { from: leaveDays[0], to: leaveDays[2], reason: '培训' });
    assert.equal(l.status, 201, l.text);
    assert.equal(l.json.user, 'renhe-cadre');
    const g = await api('POST', `/api/v1/villages/renhe/roster/${month}/generate`, 'renhe-admin', {});
    assert.equal(g.status, 201, g.text);
    for (const s of g.json.shifts) {
      if (leaveDays.includes(s.date)) assert.notEqual(s.cadre, 'renhe-cadre', `on leave yet on the roster on ${s.date}`);
      assert.equal(s.on_leave, false);
    }
    assert.ok(spread(counts(g.json)) <= 1, JSON.stringify(g.json.cadres));
    // leave for someone else: only the center admin; bad dates refused
    assertJsonError(await api('POST', '/api/v1/villages/renhe/leave', 'renhe-cadre', { user: 'renhe-admin', from: leaveDays[0], to: leaveDays[0] }), 403, 'forbidden');
    for (const body of [{ from: leaveDays[2], to: leaveDays[0] }, { from: '2026-02-30', to: '2026-03-01' }, { from: 'x', to: 'y' }, { user: 'renhe-supervisor', from: leaveDays[0], to: leaveDays[0] }]) {
      const r = await unchanged(() => api('POST', '/api/v1/villages/renhe/leave', 'renhe-admin', body), JSON.stringify(body));
      assertJsonError(r, 400, 'invalid_input');
    }
  });

  test('a swap onto someone on leave: 409, nothing changes', async () => {
    const g = await api('GET', `/api/v1/villages/renhe/roster/${month}`, 'renhe-admin');
    const s = g.json.shifts.find((x) => leaveDays.includes(x.date) && x.cadre !== 'renhe-cadre');
    assert.ok(s, 'a shift on a leave day');
    const r = await unchanged(() => api('POST', '/api/v1/villages/renhe/swaps', s.cadre, { date: s.date, to: 'renhe-cadre' }), 'swap onto leave');
    assert.match(assertJsonError(r, 409, 'conflict'), /leave/);
  });

  test('a swap asked by a cadre, approved by the center admin, exchanges the two shifts', async () => {
    const g = await api('GET', `/api/v1/villages/renhe/roster/${month}`, 'renhe-cadre');
    const mine = g.json.shifts.find((x) => x.cadre === 'renhe-cadre' && !leaveDays.includes(x.date));
    const theirs = g.json.shifts.find((x) => x.cadre === 'renhe-admin' && !leaveDays.includes(x.date) && x.date !== mine.date);
    // not someone else's shift, not to a non-cadre, not to oneself, not an unknown day
    assertJsonError(await api('POST', '/api/v1/villages/renhe/swaps', 'renhe-cadre', { date: theirs.date, to: 'shared-cadre' }), 403, 'forbidden');
    assertJsonError(await api('POST', '/api/v1/villages/renhe/swaps', 'renhe-cadre', { date: mine.date, to: 'renhe-supervisor' }), 400, 'invalid_input');
    assertJsonError(await api('POST', '/api/v1/villages/renhe/swaps', 'renhe-cadre', { date: mine.date, to: 'renhe-cadre' }), 400, 'invalid_input');
    assertJsonError(await api('POST', '/api/v1/villages/renhe/swaps', 'renhe-cadre', { date: '1999-01-01', to: 'renhe-admin' }), 400, 'invalid_input');
    assertJsonError(await api('POST', '/api/v1/villages/renhe/swaps', 'renhe-cadre', { date: '2099-01-01', to: 'renhe-admin' }), 404, 'not_found');
    assertJsonError(await api('POST', '/api/v1/villages/renhe/swaps', 'yinxing-admin', { date: mine.date, to: 'renhe-admin' }), 404, 'not_found');
    const req = await api('POST', '/api/v1/villages/renhe/swaps', 'renhe-cadre', { date: mine.date, to: 'renhe-admin', with_date: theirs.date, reason: '家里有事' });
    assert.equal(req.status, 201, req.text);
    assert.equal(req.json.state, 'pending');
    const id = req.json.id;
    assertJsonError(await api('POST', '/api/v1/villages/renhe/swaps', 'renhe-cadre', { date: mine.date, to: 'shared-cadre' }), 409, 'conflict');
    // only the center admin (or above) decides
    assertJsonError(await api('POST', `/api/v1/villages/renhe/swaps/${id}/decision`, 'renhe-cadre', { decision: 'approve' }), 403, 'forbidden');
    assertJsonError(await api('POST', `/api/v1/villages/renhe/swaps/${id}/decision`, 'yinxing-admin', { decision: 'approve' }), 404, 'not_found');
    assertJsonError(await api('POST', `/api/v1/villages/renhe/swaps/${id}/decision`, 'renhe-admin', { decision: 'maybe' }), 400, 'invalid_input');
    const ok = await api('POST', `/api/v1/villages/renhe/swaps/${id}/decision`, 'renhe-admin', { decision: 'approve' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.state, 'approved');
    const after = await api('GET', `/api/v1/villages/renhe/roster/${month}`, 'renhe-cadre');
    const by = Object.fromEntries(after.json.shifts.map((x) => [x.date, x.cadre]));
    assert.equal(by[mine.date], 'renhe-admin');
    assert.equal(by[theirs.date], 'renhe-cadre');
    assert.ok(after.json.swaps.some((w) => w.id === id && w.state === 'approved'));
    assertJsonError(await api('POST', `/api/v1/villages/renhe/swaps/${id}/decision`, 'renhe-admin', { decision: 'reject' }), 409, 'conflict');
    assert.ok(Number(await sqlScalar(srv.db, "SELECT count(*) FROM audit WHERE action IN ('duty.swap.request', 'duty.swap.approve')")) >= 2);
  });

  test('a pending swap is refused when the colleague goes on leave before approval', async () => {
    const g = await api('GET', `/api/v1/villages/renhe/roster/${month}`, 'renhe-admin');
    const s = [...g.json.shifts].reverse().find((x) => x.cadre === 'renhe-admin');
    const req = await api('POST', '/api/v1/villages/renhe/swaps', 'renhe-admin', { date: s.date, to: 'renhe-cadre' });
    assert.equal(req.status, 201, req.text);
    assert.equal((await api('POST', '/api/v1/villages/renhe/leave', 'renhe-cadre', { from: s.date, to: s.date })).status, 201);
    const r = await unchanged(() => api('POST', `/api/v1/villages/renhe/swaps/${req.json.id}/decision`, 'renhe-admin', { decision: 'approve' }), 'approve onto leave');
    assertJsonError(r, 409, 'conflict');
    assert.equal((await api('POST', `/api/v1/villages/renhe/swaps/${req.json.id}/decision`, 'renhe-admin', { decision: 'reject' })).status, 200);
  });
});

describe('check-in with the rotating QR secret', () => {
  let code;
  before(async () => {
    const r = await api('GET', '/api/v1/villages/renhe/checkin-code', 'renhe-admin');
    assert.equal(r.status, 200, r.text);
    code = r.json;
  });

  test('the code: this week\'s secret, a URL to the check-in page, valid two weeks, rotating weekly', async () => {
    assert.match(code.secret, /^[0-9a-f]{20}$/);
    assert.equal(code.secret, await qrSecret(srv.db, 'renhe', qrWeek()));
    assert.ok(code.url.endsWith(`/v/renhe/checkin?s=${code.secret}`));
    assert.equal(code.rotates, 'weekly');
    assert.equal(code.valid_until - code.valid_from, 14 * 86400);
    assert.ok(code.valid_from <= nowSec() && nowSec() < code.valid_from + 7 * 86400);
    assert.notEqual(await qrSecret(srv.db, 'yinxing', qrWeek()), code.secret);
    assertJsonError(await api('GET', '/api/v1/villages/renhe/checkin-code', 'renhe-cadre'), 403, 'forbidden');
    assertJsonError(await api('GET', '/api/v1/villages/renhe/checkin-code', 'yinxing-admin'), 404, 'not_found');
  });

  test('old, forged and other centers\' secrets, and other villages\' cadres: 4xx, nothing changes', async () => {
    const old = await qrSecret(srv.db, 'renhe', qrWeek() - 2);
    const forged = code.secret.slice(0, 19) + (code.secret[19] === '0' ? '1' : '0');
    const other = await qrSecret(srv.db, 'yinxing', qrWeek());
    const next = await qrSecret(srv.db, 'renhe', qrWeek() + 1);
    for (const s of [old, forged, other, next, '', 'x'.repeat(20), code.secret + '0']) {
      const r = await unchanged(() => api('POST', '/api/v1/villages/renhe/checkins', 'renhe-cadre', { secret: s }), `secret ${s}`);
      assert.match(assertJsonError(r, 400, 'invalid_input'), /QR code/);
    }
    assertJsonError(await unchanged(() => api('POST', '/api/v1/villages/renhe/checkins', 'yinxing-admin', { secret: code.secret }), 'yinxing'), 404, 'not_found');
    assertJsonError(await unchanged(() => api('POST', '/api/v1/villages/renhe/checkins', 'county', { secret: code.secret }), 'county'), 403, 'forbidden');
    assertJsonError(await unchanged(() => api('POST', '/api/v1/villages/renhe/checkins', 'leader', { secret: code.secret }), 'leader'), 403, 'forbidden');
    assertJsonError(await unchanged(() => api('POST', '/api/v1/villages/renhe/checkins', 'renhe-supervisor', { secret: code.secret }), 'supervisor'), 403, 'forbidden');
    assertJsonError(await api('POST', '/api/v1/villages/renhe/checkins', null, { secret: code.secret }), 401, 'unauthenticated');
  });

  test('this week\'s code checks in (once), sets 在岗 on the public board; check-out sets 下班', async () => {
    const r = await api('POST', '/api/v1/villages/renhe/checkins', 'renhe-cadre', { secret: code.secret.toUpperCase() });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.cadre, 'renhe-cadre');
    assert.equal(r.json.out_at, null);
    assert.ok(Math.abs(r.json.in_at - nowSec()) < 30);
    const again = await unchanged(() => api('POST', '/api/v1/villages/renhe/checkins', 'renhe-cadre', { secret: code.secret }), 'twice');
    assertJsonError(again, 409, 'conflict');
    let board = await api('GET', '/api/v1/public/villages/renhe/whereabouts');
    assert.equal(board.json.people.find((p) => p.name === '任河村 村委委员').status, 'on_duty');
    const out = await api('POST', '/api/v1/villages/renhe/checkout', 'renhe-cadre');
    assert.equal(out.status, 200, out.text);
    assert.equal(out.json.out_kind, 'manual');
    assert.ok(out.json.out_at >= r.json.in_at);
    board = await api('GET', '/api/v1/public/villages/renhe/whereabouts');
    assert.equal(board.json.people.find((p) => p.name === '任河村 村委委员').status, 'off');
    assertJsonError(await unchanged(() => api('POST', '/api/v1/villages/renhe/checkout', 'renhe-cadre'), 'checkout twice'), 409, 'conflict');
  });

  test('last week\'s code still works (a poster is valid until the next one is printed)', async () => {
    const r = await api('POST', '/api/v1/villages/renhe/checkins', 'renhe-admin', { secret: await qrSecret(srv.db, 'renhe', qrWeek() - 1) });
    assert.equal(r.status, 201, r.text);
    assert.equal(await sqlScalar(srv.db, `SELECT qr_week FROM duty_checkin WHERE id = ${r.json.id}`), String(qrWeek() - 1));
    assert.equal((await api('POST', '/api/v1/villages/renhe/checkout', 'renhe-admin')).status, 200);
  });

  test('a forgotten check-out counts until the day\'s closing time and is closed by the next check-in', async () => {
    // an open check-in at 08:30 on the latest past workday
    let d = today - 1;
    while (weekday(d) > 5) d -= 1;
    const inAt = dayStart(d) + 8 * 3600 + 1800;
    const close = dayStart(d) + 18 * 3600;
    await sqlOk(srv.db, `INSERT INTO duty_checkin(org_id, user_id, in_at, out_at, out_kind, qr_week) VALUES((SELECT id FROM org WHERE code = 'renhe'), (SELECT id FROM users WHERE login = 'shared-cadre'), ${inAt}, 0, '', 0)`);
    const list = await api('GET', `/api/v1/villages/renhe/checkins?month=${monthOf(d)}`, 'renhe-supervisor');
    assert.equal(list.status, 200, list.text);
    const row = list.json.checkins.find((c) => c.cadre === 'shared-cadre' && c.in_at === inAt);
    assert.equal(row.forgotten_checkout, true);
    assert.equal(row.counted_until, close);
    // the next check-in (here, at the other village) closes it at closing time
    const y = await api('POST', '/api/v1/villages/yinxing/checkins', 'shared-cadre', { secret: await qrSecret(srv.db, 'yinxing', qrWeek()) });
    assert.equal(y.status, 201, y.text);
    assert.deepEqual(await sqlOk(srv.db, `SELECT out_at, out_kind FROM duty_checkin WHERE in_at = ${inAt}`), [`${close}|auto`]);
    // nobody is in two places: checking in at renhe now closes the yinxing one ("moved")
    const h = await api('POST', '/api/v1/villages/renhe/checkins', 'shared-cadre', { secret: await qrSecret(srv.db, 'renhe', qrWeek()) });
    assert.equal(h.status, 201, h.text);
    assert.equal(await sqlScalar(srv.db, `SELECT out_kind FROM duty_checkin WHERE id = ${y.json.id}`), 'moved');
    assert.equal(await sqlScalar(srv.db, "SELECT count(*) FROM duty_checkin WHERE out_at = 0 AND user_id = (SELECT id FROM users WHERE login = 'shared-cadre')"), '1');
    assert.equal((await api('POST', '/api/v1/villages/renhe/checkout', 'shared-cadre')).status, 200);
  });
});

describe('whereabouts board', () => {
  test('one of the five words sets it; the public board shows names and statuses only', async () => {
    const r = await api('POST', '/api/v1/villages/renhe/whereabouts', 'renhe-cadre', { status: 'meeting', note: '镇政府开会' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'meeting');
    const zh = await api('POST', '/api/v1/villages/renhe/whereabouts', 'renhe-admin', { status: '入户走访' });
    assert.equal(zh.json.status, 'visiting');
    const b = await api('GET', '/api/v1/public/villages/renhe/whereabouts');
    assert.equal(b.status, 200);
    const cadre = b.json.people.find((p) => p.name === '任河村 村委委员');
    assert.deepEqual([cadre.status, cadre.label, cadre.note], ['meeting', '开会', '镇政府开会']);
    assert.equal(b.json.people.find((p) => p.name === '任河村 党支部书记').status, 'visiting');
    assert.ok(!JSON.stringify(b.json).includes('renhe-cadre'), 'logins are not public');
    for (const s of ['busy', '', 'ON_DUTY', '外出', 'on duty']) {
      const x = await unchanged(() => api('POST', '/api/v1/villages/renhe/whereabouts', 'renhe-cadre', { status: s }), s);
      assert.match(assertJsonError(x, 400, 'invalid_input'), /on_duty/);
    }
    assertJsonError(await api('POST', '/api/v1/villages/renhe/whereabouts', 'renhe-cadre', {}), 400, 'invalid_input');
    assertJsonError(await api('POST', '/api/v1/villages/renhe/whereabouts', 'yinxing-admin', { status: 'off' }), 404, 'not_found');
    assertJsonError(await api('POST', '/api/v1/villages/renhe/whereabouts', 'renhe-supervisor', { status: 'off' }), 403, 'forbidden');
    assertJsonError(await api('POST', '/api/v1/villages/renhe/whereabouts', 'township', { status: 'off' }), 403, 'forbidden');
    assertJsonError(await api('GET', '/api/v1/public/villages/nosuch/whereabouts'), 404, 'not_found');
  });
});

describe('duty log', () => {
  test('a visit is logged; the phone is masked in lists; one step makes it an appeal entered on the raiser\'s behalf', async () => {
    const r = await api('POST', '/api/v1/villages/renhe/duty-log', 'renhe-cadre', { visitor: '周大娘', phone: '13912345678', request: '低保年审需要带哪些材料？', action: '已告知材料清单' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.phone, '139****5678');
    const list = await api('GET', '/api/v1/villages/renhe/duty-log', 'renhe-supervisor');
    assert.ok(list.json.entries.some((e) => e.id === r.json.id && e.phone === '139****5678'));
    assert.ok(!list.text.includes('13912345678'));
    const a0 = Number(await sqlScalar(srv.db, 'SELECT count(*) FROM appeal'));
    const c = await api('POST', `/api/v1/villages/renhe/duty-log/${r.json.id}/appeal`, 'renhe-cadre', { kind: 'family' });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.json.channel, 'room');
    const row = (await sqlOk(srv.db, `SELECT a.channel, a.kind, a.state, u.login, a.raiser_name, a.raiser_phone, a.content FROM appeal a JOIN users u ON u.id = a.entered_by WHERE a.number = '${c.json.appeal}'`))[0];
    assert.equal(row, 'room|family|registered|renhe-cadre|周大娘|13912345678|低保年审需要带哪些材料？');
    assert.equal(Number(await sqlScalar(srv.db, 'SELECT count(*) FROM appeal')), a0 + 1);
    assert.equal(await sqlScalar(srv.db, `SELECT appeal_number FROM duty_log WHERE id = ${r.json.id}`), c.json.appeal);
    assertJsonError(await unchanged(() => api('POST', `/api/v1/villages/renhe/duty-log/${r.json.id}/appeal`, 'renhe-cadre', { kind: 'family' }), 'twice'), 409, 'conflict');
    const e2 = await api('POST', '/api/v1/villages/renhe/duty-log', 'renhe-admin', { request: '咨询医保' });
    assertJsonError(await unchanged(() => api('POST', `/api/v1/villages/renhe/duty-log/${e2.json.id}/appeal`, 'renhe-cadre', { kind: 'other' }), 'bad kind'), 400, 'invalid_input');
    assertJsonError(await api('POST', `/api/v1/villages/yinxing/duty-log/${e2.json.id}/appeal`, 'yinxing-admin', { kind: 'village' }), 404, 'not_found');
    assertJsonError(await api('POST', `/api/v1/villages/renhe/duty-log/${e2.json.id}/appeal`, 'yinxing-admin', { kind: 'village' }), 404, 'not_found');
    for (const body of [{ request: '' }, { request: '   ' }, { visitor: 'x' }, { request: 'x', phone: 'abc' }, { request: 'x'.repeat(2001) }]) {
      const x = await unchanged(() => api('POST', '/api/v1/villages/renhe/duty-log', 'renhe-cadre', body), JSON.stringify(body).slice(0, 40));
      assertJsonError(x, 400, 'invalid_input');
    }
    assertJsonError(await api('POST', '/api/v1/villages/renhe/duty-log', 'renhe-supervisor', { request: 'x' }), 403, 'forbidden');
  });
});

describe('coverage', () => {
  // gaoping: open 0:00–2:00 and 20:00–24:00 every day, one cadre, check-ins written directly
  const m1 = monthOf(today, -2), m2 = monthOf(today, -1);
  const { last: lastOfM1 } = monthDays(m1);
  const { first: firstOfM2, n: nM2 } = monthDays(m2);
  before(async () => {
    // the village opens on the county's holidays too: a nearer calendar wins
    const first = monthDays(m1).first, last = monthDays(m2).last;
    const keep = [];
    for (const y of new Set([m1.slice(0, 4), m2.slice(0, 4)])) {
      const cal = await api('GET', `/api/v1/orgs/gaoping/holidays?year=${y}`);
      for (const d of cal.json.days) if (d.off && dayOf(d.date) >= first && dayOf(d.date) <= last) keep.push({ date: d.date, off: false, name: '照常开放' });
    }
    if (keep.length) assert.equal((await api('PUT', '/api/v1/orgs/gaoping/holidays', 'township', { days: keep })).status, 200);
    const h = await api('PUT', '/api/v1/villages/gaoping/hours', 'township', { text: '每天 0:00–2:00, 20:00–24:00' });
    assert.equal(h.status, 200, h.text);
    assert.equal(h.json.text, '周一至周日 0:00–2:00, 20:00–24:00');
    const ins = (a, b) => sqlOk(srv.db, `INSERT INTO duty_checkin(org_id, user_id, in_at, out_at, out_kind, qr_week) VALUES((SELECT id FROM org WHERE code = 'gaoping'), (SELECT id FROM users WHERE login = 'gaoping-cadre'), ${a}, ${b}, '${b ? 'manual' : ''}', 0)`);
    await ins(dayStart(lastOfM1) + 22 * 3600, dayStart(firstOfM2) + 3600); // 22:00 → 01:00 across the month's end
    await ins(dayStart(firstOfM2 + 9) + 20 * 3600 + 1800, 0); // 20:30, never checked out
    await ins(dayStart(firstOfM2 + 14) + 3600 + 1800, dayStart(firstOfM2 + 14) + 2 * 3600 + 1800); // 01:30 → 02:30
  });

  test('a check-in spanning midnight at a month\'s end counts in both months; a forgotten one until closing', async () => {
    const a = await api('GET', `/api/v1/villages/gaoping/coverage/${m1}`, 'township');
    assert.equal(a.status, 200, a.text);
    assert.equal(a.json.open_seconds, monthDays(m1).n * 6 * 3600);
    assert.equal(a.json.covered_seconds, 2 * 3600);
    assert.equal(a.json.days.at(-1).covered_seconds, 2 * 3600);
    const b = await api('GET', `/api/v1/villages/gaoping/coverage/${m2}`, 'township');
    assert.equal(b.json.open_seconds, nM2 * 6 * 3600);
    assert.equal(b.json.days[0].covered_seconds, 3600);
    assert.equal(b.json.days[9].covered_seconds, 3.5 * 3600);
    assert.equal(b.json.days[14].covered_seconds, 1800);
    assert.equal(b.json.covered_seconds, 3600 + 3.5 * 3600 + 1800);
    assert.equal(b.json.forgotten_checkouts, 1);
    assert.equal(b.json.share, Math.round(((3600 + 3.5 * 3600 + 1800) / (nM2 * 6 * 3600)) * 1000) / 1000);
    const sum = b.json.days.reduce((s, d) => s + d.covered_seconds, 0);
    assert.equal(sum, b.json.covered_seconds);
    // the township view compares the villages
    const t = await api('GET', `/api/v1/orgs/zhanerxiang/coverage/${m2}`, 'township');
    assert.equal(t.status, 200, t.text);
    assert.equal(t.json.villages.length, 8);
    assert.equal(t.json.villages.find((v) => v.village === 'gaoping').covered_seconds, b.json.covered_seconds);
    assert.equal(t.json.open_seconds, t.json.villages.reduce((s, v) => s + v.open_seconds, 0));
    const leader = await api('GET', `/api/v1/orgs/zhanerxiang/coverage/${m2}`, 'leader');
    assertJsonError(leader, 404, 'not_found');
    assertJsonError(await api('GET', `/api/v1/orgs/renhe/coverage/${m2}`, 'township'), 404, 'not_found');
    assertJsonError(await api('GET', '/api/v1/orgs/zhanerxiang/coverage/2026-13', 'township'), 400, 'invalid_input');
  });

  test('this month in renhe: shifts judged on time, late or missed; the totals add up', async () => {
    const c = await api('GET', `/api/v1/villages/renhe/coverage/${monthOf(today)}`, 'renhe-supervisor');
    assert.equal(c.status, 200, c.text);
    const j = c.json;
    assert.ok(j.open_seconds > 0 && j.covered_seconds > 0 && j.covered_seconds <= j.open_seconds);
    const v = (k) => j.days.filter((d) => d.verdict === k).length;
    assert.equal(v('on_time'), j.on_time);
    assert.equal(v('late'), j.late);
    assert.equal(v('missed'), j.missed);
    assert.ok(j.on_time + j.late + j.missed + j.pending <= j.duty_shifts);
    assert.equal(j.days.reduce((s, d) => s + d.open_seconds, 0), j.open_seconds);
    // future days have no opening time counted yet
    for (const d of j.days) if (dayOf(d.date) > today) assert.equal(d.open_seconds, 0);
    assertJsonError(await api('GET', `/api/v1/villages/renhe/coverage/${monthOf(today)}`, 'yinxing-admin'), 404, 'not_found');
  });

  test('opening hours: bad text refused, nothing changes', async () => {
    for (const text of ['8:30–12:00', '周一至周五 12:00–8:30', '周一 8:00–9:00, 8:30–10:00', '']) {
      const r = await unchanged(() => api('PUT', '/api/v1/villages/gaoping/hours', 'township', { text }), text);
      assertJsonError(r, 400, 'invalid_input');
    }
    const pub = await api('GET', '/api/v1/villages/renhe/hours');
    assert.equal(pub.json.text, '周一至周五 8:30–12:00, 14:30–18:00');
    assertJsonError(await api('PUT', '/api/v1/villages/renhe/hours', 'renhe-cadre', { text: '每天 8:00–9:00' }), 403, 'forbidden');
  });
});

describe('posts and deeds', () => {
  test('posts: created, ended; deeds: created, done, public ones on the public list', async () => {
    const p = await api('POST', '/api/v1/villages/renhe/posts', 'renhe-admin', { kind: 'volunteer', title: '环境卫生志愿岗', holder: '青年志愿者', hours: '每周六上午' });
    assert.equal(p.status, 201, p.text);
    const e = await api('PATCH', `/api/v1/villages/renhe/posts/${p.json.id}`, 'renhe-admin', { active: false });
    assert.equal(e.status, 200, e.text);
    assert.equal(e.json.active, false);
    assertJsonError(await unchanged(() => api('POST', '/api/v1/villages/renhe/posts', 'renhe-admin', { kind: 'guard', title: 'x' }), 'bad kind'), 400, 'invalid_input');
    assertJsonError(await api('PATCH', `/api/v1/villages/yinxing/posts/${p.json.id}`, 'yinxing-admin', { active: true }), 404, 'not_found');
    assertJsonError(await api('POST', '/api/v1/villages/renhe/posts', 'renhe-cadre', { kind: 'volunteer', title: 'x' }), 403, 'forbidden');
    const d = await api('POST', '/api/v1/villages/renhe/deeds', 'renhe-admin', { title: '修缮村口便桥', owner: '任河村 村委委员', promised: fmtDate(today + 10) });
    assert.equal(d.status, 201, d.text);
    assert.equal(d.json.state, 'open');
    const hidden = await api('POST', '/api/v1/villages/renhe/deeds', 'renhe-admin', { title: '内部整改事项', owner: '书记', promised: fmtDate(today + 5), public: false });
    assert.equal(hidden.status, 201);
    for (const body of [{ done: fmtDate(today + 1) }, { done: '2026-02-30' }, { promised: 'tomorrow' }, { title: '' }]) {
      const x = await unchanged(() => api('PATCH', `/api/v1/villages/renhe/deeds/${d.json.id}`, 'renhe-admin', body), JSON.stringify(body));
      assertJsonError(x, 400, 'invalid_input');
    }
    const done = await api('PATCH', `/api/v1/villages/renhe/deeds/${d.json.id}`, 'renhe-admin', { done: fmtDate(today) });
    assert.equal(done.json.state, 'done');
    const pub = await api('GET', '/api/v1/public/villages/renhe/deeds');
    assert.ok(pub.json.deeds.some((x) => x.id === d.json.id && x.done === fmtDate(today)));
    assert.ok(!pub.json.deeds.some((x) => x.id === hidden.json.id), 'a non-public deed on the public list');
    assert.ok(!pub.json.posts.some((x) => x.id === p.json.id), 'an ended post on the public list');
    assert.ok(pub.json.deeds.some((x) => x.state === 'overdue'), 'the demo holds an overdue deed');
  });
});

describe('iCalendar feed', () => {
  test('GET /api/v1/me/duty.ics: RFC 5545 text with one event per shift; a private feed link for calendar apps', async () => {
    const r = await call(srv.base, 'GET', '/api/v1/me/duty.ics', { auth: tok['renhe-cadre'] });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^text\/calendar/);
    const lines = unfoldIcs(r.text);
    assert.equal(lines[0], 'BEGIN:VCALENDAR');
    assert.ok(lines.includes('VERSION:2.0'));
    assert.equal(lines.at(-1), 'END:VCALENDAR');
    const ev = icsEvents(lines);
    const from = fmtDate(today - 62), to = fmtDate(today + 400);
    const n = Number(await sqlScalar(srv.db, `SELECT count(*) FROM duty_shift WHERE user_id = (SELECT id FROM users WHERE login = 'renhe-cadre') AND day >= '${from}' AND day <= '${to}'`));
    assert.equal(ev.length, n);
    assert.ok(n > 10);
    for (const e of ev) {
      assert.match(e.UID, /^duty-shift-\d+@zhendi$/);
      assert.match(e.DTSTAMP, /^\d{8}T\d{6}Z$/);
      assert.ok(e.DTSTART || e['DTSTART;VALUE=DATE']);
      assert.ok(e.SUMMARY.length > 0);
    }
    const timed = ev.find((e) => e.DTSTART);
    assert.match(timed.DTSTART, /^\d{8}T\d{6}Z$/);
    assert.ok(timed.DTEND > timed.DTSTART);
    assert.ok(ev.some((e) => e['DTSTART;VALUE=DATE']), 'on-call days are all-day events');
    // the feed token: made from the page, shown once, works without a login, renewed = old one dead
    const s = await login(srv.base, 'renhe-cadre');
    const page = await call(srv.base, 'POST', '/duty/feed', { auth: s, form: { csrf: s.csrf } });
    assert.equal(page.status, 200, page.text.slice(0, 300));
    const url = /https?:\/\/[^"<\s]+\/duty\/feed\/[A-Za-z0-9_-]+\.ics/.exec(page.text)[0];
    const feed = await call(srv.base, 'GET', new URL(url).pathname);
    assert.equal(feed.status, 200);
    assert.equal(icsEvents(unfoldIcs(feed.text)).length, n);
    const page2 = await call(srv.base, 'POST', '/duty/feed', { auth: s, form: { csrf: s.csrf } });
    const url2 = /https?:\/\/[^"<\s]+\/duty\/feed\/[A-Za-z0-9_-]+\.ics/.exec(page2.text)[0];
    assert.notEqual(url2, url);
    assert.equal((await call(srv.base, 'GET', new URL(url).pathname)).status, 404);
    assert.equal((await call(srv.base, 'GET', new URL(url2).pathname)).status, 200);
    assert.equal((await call(srv.base, 'GET', '/duty/feed/nosuchtoken.ics')).status, 404);
    assert.equal((await call(srv.base, 'GET', '/duty/feed/x.txt')).status, 404);
    assert.ok(!JSON.stringify(await sqlOk(srv.db, 'SELECT token_hash FROM duty_feed')).includes(url2.split('/').pop().replace('.ics', '')), 'token stored in clear');
  });
});
