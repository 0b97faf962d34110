// duty_pages.test.mjs — the server-rendered pages of 管 duty: the public village page's
// whereabouts board, deeds and posts; the 管 pillar links; the roster calendar and list with
// its forms; the check-in page the QR code opens (login first, old codes refused); a cadre's
// own page (check-out, one-tap whereabouts, calendar link); the duty log making a case; the
// coverage pages; posts and deeds; the printable QR poster. Forms post without JavaScript.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer } from './lib.mjs';
import { call, login, sqlScalar } from './auth_lib.mjs';
import { textOf, zh } from './appeal_lib.mjs';
import { fmtDate, localDay, monthDays, monthOf, qrSecret, qrWeek } from './duty_lib.mjs';

let srv;
const s = {};
before(async () => {
  srv = await startServer();
  for (const l of ['renhe-admin', 'renhe-cadre', 'yinxing-admin', 'township', 'renhe-member']) s[l] = await login(srv.base, l);
});
after(() => stopServer(srv));

const get = (p, who, opts = {}) => call(srv.base, 'GET', p, { auth: who ? s[who] : undefined, ...opts });
const post = (p, who, form) => call(srv.base, 'POST', p, { auth: s[who], form: { csrf: s[who].csrf, ...form } });
const today = localDay();

describe('the public village page', () => {
  test('the whereabouts board, the public deeds and the posts; no logins, no private deeds', async () => {
    const r = await get('/v/renhe');
    assert.equal(r.status, 200);
    const t = textOf(r.text);
    for (const want of [zh('Whereabouts board'), '任河村 党支部书记', zh('At a meeting'), '任河村 村委委员', zh('Visiting households'),
      zh('Deeds we promised (我为群众办实事)'), '修复二组到村委会的路灯', zh('Overdue'), zh('Service posts'), '后山林区护林员', zh('Forest ranger')]) {
      assert.ok(t.includes(want), `the village page lacks ${want}`);
    }
    assert.ok(!t.includes('整理两委会议记录归档'), 'a non-public deed is on the public page');
    assert.ok(!r.text.includes('renhe-cadre') && !r.text.includes('/v/renhe/duty"'), 'logins or internal links on the public page');
    const inside = await get('/v/renhe', 'renhe-cadre');
    assert.ok(inside.text.includes('href="/v/renhe/duty"'));
  });

  test('the 管 pillar page links the duty pages for those who have them', async () => {
    const anon = await get('/guan');
    assert.ok(textOf(anon.text).includes(zh('Duty and posts')));
    const cadre = await get('/guan', 'renhe-cadre');
    for (const href of ['/duty', '/v/renhe/duty', '/v/renhe/duty-log', '/v/renhe/coverage', '/v/renhe/posts']) assert.ok(cadre.text.includes(`href="${href}"`), href);
    const town = await get('/guan', 'township');
    assert.ok(town.text.includes('href="/o/zhanerxiang/coverage"'));
  });
});

describe('roster pages', () => {
  test('calendar (7 columns, one cell per day) and list; the forms each role may use', async () => {
    const month = monthOf(today);
    const r = await get(`/v/renhe/duty?month=${month}`, 'renhe-admin');
    assert.equal(r.status, 200, r.text.slice(0, 200));
    const cal = /<table class="cal">[\s\S]*?<\/table>/.exec(r.text)[0];
    assert.equal((cal.match(/<th>/g) || []).length, 7);
    assert.deepEqual([...cal.matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1]), ['一', '二', '三', '四', '五', '六', '日']);
    assert.equal((cal.match(/<span class="d">/g) || []).length, monthDays(month).n);
    assert.ok(r.text.includes('class="legend"') && r.text.includes('任河村 党支部书记'));
    assert.ok(r.text.includes('action="/v/renhe/duty/generate"'), 'the admin makes rosters');
    assert.ok(r.text.includes('action="/v/renhe/hours"'));
    const c = await get(`/v/renhe/duty?month=${month}`, 'renhe-cadre');
    assert.ok(!c.text.includes('action="/v/renhe/duty/generate"'), 'a cadre does not');
    assert.ok(c.text.includes('action="/v/renhe/duty/leave"'));
    assert.equal((await get('/v/renhe/duty?month=2026-13', 'renhe-admin')).status, 400);
    assert.equal((await get('/v/renhe/duty', 'yinxing-admin')).status, 404);
    assert.equal((await get('/v/renhe/duty')).status, 401);
    assert.equal((await get('/v/renhe/duty', 'renhe-member')).status, 403);
    const en = await get(`/v/renhe/duty?month=${month}&lang=en`, 'renhe-admin');
    assert.ok(en.text.includes('<th>Mon</th>') && en.text.includes('Duty roster'));
  });

  test('generate by form: 303 back with a notice; again without replacing: 409 with the reason in Chinese', async () => {
    const month = monthOf(today, 3);
    const r = await call(srv.base, 'POST', '/v/renhe/duty/generate', { auth: s['renhe-admin'], body: new URLSearchParams([['csrf', s['renhe-admin'].csrf], ['month', month], ['cadre', 'renhe-admin'], ['cadre', 'renhe-cadre']]).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    assert.equal(r.location, `/v/renhe/duty?month=${month}&done=generated`);
    const shown = await get(r.location, 'renhe-admin');
    assert.ok(textOf(shown.text).includes(zh('The roster was made.')));
    const before = await sqlScalar(srv.db, 'SELECT count(*) FROM audit');
    const again = await post('/v/renhe/duty/generate', 'renhe-admin', { month, cadre: 'renhe-admin' });
    assert.equal(again.status, 409);
    assert.ok(textOf(again.text).includes(zh('The roster of this month exists already; ask to replace it (days before today are kept).')));
    assert.equal(await sqlScalar(srv.db, 'SELECT count(*) FROM audit'), before);
    const bad = await post('/v/renhe/duty/generate', 'renhe-admin', { month: '2026-13', cadre: 'renhe-admin' });
    assert.equal(bad.status, 400);
    const none = await post('/v/renhe/duty/generate', 'renhe-admin', { month });
    assert.equal(none.status, 400);
    assert.ok(textOf(none.text).includes(zh('Choose at least one cadre for the roster.')));
  });

  test('a swap asked on the page and approved by the admin on the page', async () => {
    const month = monthOf(today, 3);
    const roster = (await get(`/api/v1/villages/renhe/roster/${month}`, 'renhe-cadre')).json;
    const mine = roster.shifts.find((x) => x.cadre === 'renhe-cadre');
    const r = await post('/v/renhe/duty/swap', 'renhe-cadre', { date: mine.date, to: 'renhe-admin', with_date: '', reason: '看病' });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const page = await get(`/v/renhe/duty?month=${month}`, 'renhe-admin');
    const id = /action="\/v\/renhe\/duty\/swap\/(\d+)"/.exec(page.text)[1];
    const ok = await post(`/v/renhe/duty/swap/${id}`, 'renhe-admin', { decision: 'approve' });
    assert.equal(ok.status, 303);
    const after = (await get(`/api/v1/villages/renhe/roster/${month}`, 'renhe-cadre')).json;
    assert.equal(after.shifts.find((x) => x.date === mine.date).cadre, 'renhe-admin');
    // onto someone on leave: the page again, 409, in Chinese
    const theirs = after.shifts.find((x) => x.cadre === 'renhe-admin' && x.date !== mine.date);
    assert.equal((await post('/v/renhe/duty/leave', 'renhe-cadre', { from: theirs.date, to: theirs.date, month })).status, 303);
    const onto = await post('/v/renhe/duty/swap', 'renhe-admin', { date: theirs.date, to: 'renhe-cadre' });
    assert.equal(onto.status, 409);
    assert.ok(textOf(onto.text).includes(zh('The colleague is on leave that day.')));
  });
});

describe('the holiday calendar', () => {
  test('the township adds a day off; villages below see it, held by the township; bad input 400', async () => {
    const y = Number(monthOf(today, 2).slice(0, 4));
    const date = `${y + 1}-03-03`;
    const r = await post('/o/zhanerxiang/holidays', 'township', { date, kind: 'off', name: '测试节' });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    assert.equal(r.location, `/o/zhanerxiang/holidays?year=${y + 1}&done=1`);
    const v = await get(`/o/renhe/holidays?year=${y + 1}`, 'renhe-admin');
    assert.equal(v.status, 200);
    const row = textOf(/<tr class="holiday"><td>[^]*?<\/tr>/.exec(v.text.slice(v.text.indexOf(date) - 40))[0]);
    assert.ok(row.includes('测试节') && row.includes('站儿巷镇'), row);
    assert.ok(!v.text.includes(`name="date" value="${date}"`), 'a village cannot remove the township\'s day');
    const api = await get(`/api/v1/orgs/renhe/holidays?year=${y + 1}`);
    assert.ok(api.json.days.some((d) => d.date === date && d.off));
    const bad = await post('/o/zhanerxiang/holidays', 'township', { date, kind: 'sometimes' });
    assert.equal(bad.status, 400);
    assert.ok(textOf(bad.text).includes(zh('Choose a day off or a make-up workday.')));
    assert.equal((await post('/o/zhanerxiang/holidays', 'township', { date: '2026-02-30', kind: 'off' })).status, 400);
    assert.equal((await post('/o/zhanerxiang/holidays', 'renhe-admin', { date, kind: 'clear' })).status, 404);
    const gone = await post('/o/zhanerxiang/holidays', 'township', { date, kind: 'clear' });
    assert.equal(gone.status, 303);
    assert.ok(!(await get(`/api/v1/orgs/renhe/holidays?year=${y + 1}`)).json.days.some((d) => d.date === date));
  });
});

describe('check-in from the QR code', () => {
  let secret;
  before(async () => {
    secret = (await get('/api/v1/villages/renhe/checkin-code', 'renhe-admin')).json.secret;
  });

  test('not logged in: to the login page, and back here after it', async () => {
    const r = await get(`/v/renhe/checkin?s=${secret}`);
    assert.equal(r.status, 303);
    assert.equal(r.location, `/login?next=${encodeURIComponent(`/v/renhe/checkin?s=${secret}`)}`);
    const lp = await get(r.location);
    assert.ok(lp.text.includes(`value="/v/renhe/checkin?s=${secret}"`), 'the login form keeps next');
  });

  test('an old code: 400 with the reason, no check-in button; this week\'s: a one-tap check-in', async () => {
    const old = await get(`/v/renhe/checkin?s=${await qrSecret(srv.db, 'renhe', qrWeek() - 2)}`, 'renhe-cadre');
    assert.equal(old.status, 400);
    assert.ok(textOf(old.text).includes(zh("This QR code is out of date or not this center's; scan the code posted at the center now.")));
    assert.ok(!old.text.includes('action="/v/renhe/checkin"'));
    assert.equal((await get(`/v/renhe/checkin?s=${secret}`, 'yinxing-admin')).status, 404);
    assert.equal((await get(`/v/renhe/checkin?s=${secret}`, 'township')).status, 403);
    const ok = await get(`/v/renhe/checkin?s=${secret}`, 'renhe-cadre');
    assert.equal(ok.status, 200);
    assert.ok(ok.text.includes('action="/v/renhe/checkin"') && ok.text.includes(`name="s" value="${secret}"`));
    const forged = await post('/v/renhe/checkin', 'renhe-cadre', { s: '0'.repeat(20) });
    assert.equal(forged.status, 400);
    const r = await post('/v/renhe/checkin', 'renhe-cadre', { s: secret });
    assert.equal(r.status, 303);
    assert.equal(r.location, '/duty?done=checkin');
    const mine = await get(r.location, 'renhe-cadre');
    const t = textOf(mine.text);
    assert.ok(t.includes(zh('You are checked in. Your status is now on duty.')));
    assert.ok(t.includes(zh('You are checked in since')));
    assert.ok(mine.text.includes('action="/v/renhe/checkout"'));
    assert.ok(textOf((await get('/v/renhe')).text).includes(zh('On duty')));
    const twice = await post('/v/renhe/checkin', 'renhe-cadre', { s: secret });
    assert.equal(twice.status, 409);
    const out = await post('/v/renhe/checkout', 'renhe-cadre', {});
    assert.equal(out.status, 303);
    assert.equal(out.location, '/duty?done=checkout');
  });

  test('my duty: the five statuses in one tap each; the public board follows', async () => {
    const mine = await get('/duty', 'renhe-cadre');
    const values = [...mine.text.matchAll(/name="status" value="([a-z_]+)"/g)].map((m) => m[1]);
    assert.deepEqual(values, ['on_duty', 'meeting', 'visiting', 'leave', 'off']);
    assert.ok(textOf(mine.text).includes(zh('My next shifts')));
    const r = await post('/v/renhe/whereabouts', 'renhe-cadre', { status: 'leave' });
    assert.equal(r.status, 303);
    const board = textOf((await get('/v/renhe')).text);
    assert.ok(/任河村 村委委员 请假/.test(board), board.slice(board.indexOf('去向牌'), board.indexOf('去向牌') + 120));
    assert.equal((await post('/v/renhe/whereabouts', 'renhe-cadre', { status: 'asleep' })).status, 400);
  });

  test('the printable poster: A4 PDF of this week\'s code, for the center admin', async () => {
    const r = await get('/v/renhe/checkin-poster.pdf', 'renhe-admin');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/pdf/);
    assert.ok(r.text.startsWith('%PDF-'));
    assert.match(r.headers.get('content-disposition'), /renhe-checkin-\d{4}-\d{2}-\d{2}\.pdf/);
    assert.equal((await get('/v/renhe/checkin-poster.pdf', 'renhe-cadre')).status, 403);
  });
});

describe('duty log, coverage, posts and deeds pages', () => {
  test('log a visit, see it masked, make it a case in one step', async () => {
    const r = await post('/v/renhe/duty-log', 'renhe-cadre', { visitor: '吴大哥', phone: '13700001111', request: '院墙裂缝需要村里看看', action: '' });
    assert.equal(r.status, 303);
    const page = await get('/v/renhe/duty-log', 'renhe-cadre');
    assert.ok(page.text.includes('137****1111') && !page.text.includes('13700001111'));
    const id = /action="\/v\/renhe\/duty-log\/(\d+)\/appeal"/.exec(page.text)[1];
    const c = await post(`/v/renhe/duty-log/${id}/appeal`, 'renhe-cadre', { kind: 'village' });
    assert.equal(c.status, 303);
    assert.match(c.location, /^\/appeals\/\d{6}-\d{4,6}$/);
    assert.equal((await get(c.location, 'renhe-cadre')).status, 200);
    const bad = await post('/v/renhe/duty-log', 'renhe-cadre', { visitor: '吴大哥', request: '' });
    assert.equal(bad.status, 400);
    assert.ok(textOf(bad.text).includes(zh('Write what the visitor asked.')));
  });

  test('coverage of a village and of the township', async () => {
    const v = await get('/v/renhe/coverage', 'renhe-admin');
    assert.equal(v.status, 200);
    assert.ok(v.text.includes('<meter') && textOf(v.text).includes(zh('Missed shifts')));
    const t = await get('/o/zhanerxiang/coverage', 'township');
    assert.equal(t.status, 200);
    assert.equal((t.text.match(/<tr><td><a href="\/v\/[a-z]+\/coverage/g) || []).length, 8);
    // on a phone the rows stack without the header: each figure says which column it is
    assert.doesNotMatch(t.text, /<td>\d+<\/td>/);
    for (const h of ['Coverage', 'Missed shifts', 'Late check-ins', 'Shifts nobody could take', 'Duty shifts'])
      assert.equal(t.text.split(`<td data-label="${zh(h)}">`).length - 1, 8, h);
    assert.ok(v.text.includes(`<td data-label="${zh('Hours covered / open')}">`));
    assert.equal((await get('/o/zhanerxiang/coverage', 'renhe-admin')).status, 404);
    assert.equal((await get('/o/renhe/coverage', 'township')).status, 404);
  });

  test('posts and deeds: add, refuse a bad date, mark done', async () => {
    const p = await post('/v/renhe/posts', 'renhe-admin', { kind: 'convenience', title: '代办快递', holder: '村委会', hours: '每天' });
    assert.equal(p.status, 303);
    const d = await post('/v/renhe/deeds', 'renhe-admin', { title: '修好村口水井盖', owner: '任河村 村委委员', promised: fmtDate(today + 3), public: '1' });
    assert.equal(d.status, 303);
    const bad = await post('/v/renhe/deeds', 'renhe-admin', { title: 'x', owner: 'y', promised: '2026-02-30' });
    assert.equal(bad.status, 400);
    assert.ok(textOf(bad.text).includes(zh('Dates are written like 2026-11-30.')));
    const page = await get('/v/renhe/posts', 'renhe-admin');
    assert.ok(page.text.includes('代办快递') && page.text.includes('修好村口水井盖'));
    const id = [...page.text.matchAll(/action="\/v\/renhe\/deeds\/(\d+)\/done"/g)].map((m) => m[1]).pop();
    assert.equal((await post(`/v/renhe/deeds/${id}/done`, 'renhe-admin', { date: '' })).status, 400);
    assert.equal((await post(`/v/renhe/deeds/${id}/done`, 'renhe-admin', { date: fmtDate(today) })).status, 303);
    assert.equal((await post('/v/renhe/posts', 'renhe-cadre', { kind: 'convenience', title: 'x' })).status, 403);
  });
});
