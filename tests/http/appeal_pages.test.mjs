// appeal_pages.test.mjs — the server-rendered pages of 民事直说: the villager's form
// (urlencoded and multipart, as browsers send it), the receipt with number and code,
// errors shown in Chinese with the form refilled, the tracking page and its rating
// form, and the cadres' list and case pages with only the allowed actions and CSRF.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stopServer } from './lib.mjs';
import { call, login } from './auth_lib.mjs';
import {
  advance, allowedKeys, auditSeq, caseColumn, counts, formActions, getCase, LABELS, marker, newPublicCase, receiptOf,
  startAppealServer, textOf, tokenFor, zh,
} from './appeal_lib.mjs';

let srv;
let cadreTok;
before(async () => {
  srv = await startAppealServer();
  cadreTok = await tokenFor(srv.base, 'renhe-cadre');
});
after(() => stopServer(srv));

const page = (method, p, opts = {}) => call(srv.base, method, p, opts);
const mainOf = (html) => {
  const m = /<main>([\s\S]*?)<\/main>/.exec(html);
  assert.ok(m, 'no <main> in the page');
  return m[1];
};
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const LONG_MSG = 'The matter is longer than 2000 characters; please shorten it.';

function assertHtml(r, status, what) {
  assert.equal(r.status, status, `${what}: ${r.status} ${r.text.slice(0, 300)}`);
  assert.match(r.headers.get('content-type') || '', /^text\/html\b/, what);
  assert.match(r.text, /<html lang="zh-CN"/, what);
  assert.ok(!/<script\b/i.test(r.text), `${what}: a script on a page meant to work without JavaScript`);
}

/** The kind radios of a form page: [{ value, label, checked }]. */
function kindRadios(html) {
  return [...html.matchAll(/<label class="radio"><input type="radio" name="kind" value="([a-z]+)"([^>]*)>\s*([^<]+)<\/label>/g)]
    .map((m) => ({ value: m[1], checked: /\bchecked\b/.test(m[2]), required: /\brequired\b/.test(m[2]), label: m[3].trim() }));
}

/** The value attribute of input `name` in html, or null. */
function inputValue(html, name) {
  const m = new RegExp(`<input name="${name}"[^>]*\\bvalue="([^"]*)"`).exec(html);
  return m ? m[1] : null;
}

describe('the villager\'s form', () => {
  test('GET /v/renhe/appeal: a form with the three kinds as radios, labelled as po/zh_CN.po says', async () => {
    const r = await page('GET', '/v/renhe/appeal');
    assertHtml(r, 200, 'form');
    const main = mainOf(r.text);
    assert.match(main, /<form class="form" method="post" action="\/v\/renhe\/appeal"/);
    const radios = kindRadios(main);
    assert.deepEqual(radios.map((x) => x.value), ['village', 'neighbour', 'family']);
    assert.deepEqual(radios.map((x) => x.label), ['village', 'neighbour', 'family'].map((k) => zh(LABELS.kind[k])));
    assert.ok(radios.every((x) => x.required && !x.checked));
    assert.match(main, /<textarea name="content"[^>]*required[^>]*maxlength="2000"[^>]*><\/textarea>/);
    for (const f of ['place', 'name', 'phone']) assert.equal(inputValue(main, f), '', `${f} is not empty`);
    assert.match(main, /<button type="submit">/);
    assert.ok(main.includes('任河村'), 'the village is not named');
    assert.match(main, /href="\/track"/);
  });

  test('an unknown village or one that is not a village → 404', async () => {
    for (const code of ['nowhere', 'zhanerxiang', 'renhe-dzb']) {
      assert.equal((await page('GET', `/v/${code}/appeal`)).status, 404, code);
      const c0 = await counts(srv.db);
      assert.equal((await page('POST', `/v/${code}/appeal`, { form: { kind: 'village', content: '事' } })).status, 404, `POST ${code}`);
      assert.deepEqual(await counts(srv.db), c0);
    }
  });

  test('POST the urlencoded form → 201 receipt with the number and the code, which track the case', async () => {
    const mk = marker('pg');
    const r = await page('POST', '/v/renhe/appeal', { form: { kind: 'neighbour', content: `邻居家的树挡了路 ${mk}`, place: '二组', name: '张三', phone: '13900001111' } });
    assertHtml(r, 201, 'receipt');
    const main = mainOf(r.text);
    const rc = receiptOf(main);
    assert.ok(rc, `no tracking link on the receipt: ${main}`);
    assert.match(rc.number, /^\d{6}-\d{4,6}$/);
    assert.match(rc.code, /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    const text = textOf(main);
    assert.ok(text.includes(rc.number) && text.includes(rc.code), 'the number and code are not shown as text');
    assert.ok(text.includes(zh('Case number')) && text.includes(zh('Tracking code')), text);
    // stored as sent, online, received
    assert.equal(await caseColumn(srv.db, rc.number, 'content'), `邻居家的树挡了路 ${mk}`);
    assert.equal(await caseColumn(srv.db, rc.number, 'kind'), 'neighbour');
    assert.equal(await caseColumn(srv.db, rc.number, 'channel'), 'online');
    assert.equal(await caseColumn(srv.db, rc.number, 'state'), 'received');
    assert.equal(await caseColumn(srv.db, rc.number, 'raiser_phone'), '13900001111');
    // the receipt does not echo the private details
    assert.ok(!text.includes('13900001111') && !text.includes('张三'), text);
    const t = await page('GET', `/track?number=${rc.number}&code=${rc.code}`);
    assertHtml(t, 200, 'track');
  });

  test('POST as a browser sends it (multipart/form-data) → 201 as well', async () => {
    const fd = new FormData();
    fd.append('kind', 'family');
    fd.append('content', '多部分表单提交的事项');
    fd.append('place', '');
    fd.append('name', '');
    fd.append('phone', '');
    const res = await fetch(`${srv.base}/v/renhe/appeal`, { method: 'POST', body: fd });
    const html = await res.text();
    assert.equal(res.status, 201, html.slice(0, 300));
    const rc = receiptOf(html);
    assert.ok(rc);
    assert.equal(await caseColumn(srv.db, rc.number, 'kind'), 'family');
    assert.equal(await caseColumn(srv.db, rc.number, 'content'), '多部分表单提交的事项');
  });

  test('empty content → 400 page with the Chinese message, the form refilled, nothing stored', async () => {
    const c0 = await counts(srv.db);
    const r = await page('POST', '/v/renhe/appeal', { form: { kind: 'family', content: '', place: '三组', name: '王五', phone: '13700002222' } });
    assertHtml(r, 400, 'empty content');
    const main = mainOf(r.text);
    const alert = /<p class="alert" role="alert">([^<]*)<\/p>/.exec(main);
    assert.ok(alert, 'no alert');
    assert.equal(alert[1], esc(zh('Say what the matter is.')));
    const radios = kindRadios(main);
    assert.deepEqual(radios.filter((x) => x.checked).map((x) => x.value), ['family'], 'the kind is not kept');
    assert.equal(inputValue(main, 'place'), '三组');
    assert.equal(inputValue(main, 'name'), '王五');
    assert.equal(inputValue(main, 'phone'), '13700002222');
    assert.deepEqual(await counts(srv.db), c0);
    // whitespace only: the same
    const ws = await page('POST', '/v/renhe/appeal', { form: { kind: 'village', content: '  \r\n\t ' } });
    assertHtml(ws, 400, 'whitespace content');
    assert.ok(mainOf(ws.text).includes(esc(zh('Say what the matter is.'))));
    assert.deepEqual(await counts(srv.db), c0);
  });

  test('too long a matter, no kind, a bad phone → 400 pages that keep what was typed, escaped', async () => {
    const c0 = await counts(srv.db);
    const long = '长'.repeat(2001);
    let r = await page('POST', '/v/renhe/appeal', { form: { kind: 'village', content: long } });
    assertHtml(r, 400, 'long');
    let main = mainOf(r.text);
    assert.ok(main.includes(esc(zh(LONG_MSG))), 'no message about the length');
    assert.ok(main.includes(`>${long}</textarea>`), 'the matter is not refilled');
    r = await page('POST', '/v/renhe/appeal', { form: { content: '没有选类别' } });
    assertHtml(r, 400, 'no kind');
    assert.ok(mainOf(r.text).includes('>没有选类别</textarea>'));
    const evil = '"><script>alert(1)</script>';
    r = await page('POST', '/v/renhe/appeal', { form: { kind: 'village', content: `</textarea>${evil}`, place: evil, name: evil, phone: 'abc' } });
    assertHtml(r, 400, 'bad phone');
    main = mainOf(r.text);
    assert.ok(!main.includes('<script>'), 'typed text is not escaped');
    assert.equal(inputValue(main, 'place'), esc(evil));
    assert.ok(main.includes(`&lt;/textarea&gt;${esc(evil)}</textarea>`));
    assert.deepEqual(await counts(srv.db), c0);
  });
});

describe('the tracking page', () => {
  let c;
  before(async () => {
    c = await newPublicCase(srv.base, { content: `路灯不亮 ${marker('tr')}`, name: '赵六', phone: '13600003333', place: '四组' });
  });

  test('/track without parameters is an empty lookup form', async () => {
    const r = await page('GET', '/track');
    assertHtml(r, 200, '/track');
    const main = mainOf(r.text);
    assert.match(main, /<form class="form narrow" method="get" action="\/track">/);
    assert.equal(inputValue(main, 'number'), '');
    assert.equal(inputValue(main, 'code'), '');
  });

  test('/track?number=&code= shows the status label from the catalogue, and nothing private', async () => {
    const r = await page('GET', `/track?number=${c.number}&code=${c.code}`);
    assertHtml(r, 200, 'track');
    const main = mainOf(r.text);
    const st = /<dd class="state state-([a-z_]+)">([^<]*)<\/dd>/.exec(main);
    assert.ok(st, main);
    assert.equal(st[1], 'received');
    assert.equal(st[2], zh(LABELS.state.received));
    assert.ok(textOf(main).includes(zh(LABELS.kind.village)));
    for (const s of ['赵六', '13600003333', '四组', '路灯不亮', 'public:', 'renhe-cadre']) assert.ok(!main.includes(s), `the tracking page shows ${s}`);
    assert.ok(!/name="rating"/.test(main), 'a rating form before the answer');
    // lower case and without the dash works too
    const lc = await page('GET', `/track?number=${c.number}&code=${c.code.toLowerCase().replace('-', '')}`);
    assert.equal(lc.status, 200);
  });

  test('a wrong code → 404 page saying so, with the form refilled', async () => {
    const wrong = c.code.startsWith('2') ? `3${c.code.slice(1)}` : `2${c.code.slice(1)}`;
    const r = await page('GET', `/track?number=${c.number}&code=${wrong}`);
    assertHtml(r, 404, 'wrong code');
    const main = mainOf(r.text);
    assert.ok(main.includes(esc(zh('No case matches this number and code.'))), main);
    assert.equal(inputValue(main, 'number'), c.number);
    assert.equal(inputValue(main, 'code'), wrong);
    assert.ok(!main.includes('state-received'), 'the status leaks on a wrong code');
    const unknown = await page('GET', `/track?number=991231-9999&code=${c.code}`);
    assertHtml(unknown, 404, 'unknown number');
    assert.ok(mainOf(unknown.text).includes(esc(zh('No case matches this number and code.'))));
  });

  test('an answered case shows the answer and the rating form; POST /track/rate → 303 back, then rated', async () => {
    const answer = `灯已修好，谢谢 ${marker('ans')}`;
    await advance(srv.base, cadreTok, c.number, ['register', { action: 'note', text: '内部备注不可见' }, 'assign', 'start',
      { action: 'resolve', text: '内部处理不可见' }, { action: 'answer', text: answer }]);
    let r = await page('GET', `/track?number=${c.number}&code=${c.code}`);
    assertHtml(r, 200, 'answered');
    let main = mainOf(r.text);
    assert.ok(main.includes(`>${esc(answer)}</blockquote>`), 'the answer is not shown');
    assert.ok(main.includes(`>${zh(LABELS.state.answered)}</dd>`));
    for (const s of ['内部备注不可见', '内部处理不可见', 'renhe-cadre']) assert.ok(!main.includes(s), `the tracking page shows ${s}`);
    const form = /<form class="form" method="post" action="\/track\/rate">([\s\S]*?)<\/form>/.exec(main);
    assert.ok(form, 'no rating form');
    assert.ok(form[1].includes(`<input type="hidden" name="number" value="${c.number}">`));
    assert.ok(form[1].includes(`<input type="hidden" name="code" value="${c.code}">`));
    const ratings = [...form[1].matchAll(/name="rating" value="([a-z]+)"[^>]*>\s*([^<]+)</g)].map((m) => [m[1], m[2].trim()]);
    assert.deepEqual(ratings, ['satisfied', 'basic', 'unsatisfied'].map((k) => [k, zh(LABELS.rating[k])]));
    // a wrong code cannot rate
    const seq = await auditSeq(srv.base);
    const bad = await page('POST', '/track/rate', { form: { number: c.number, code: 'ZZZZ-ZZZZ', rating: 'unsatisfied' } });
    assert.equal(bad.status, 404);
    assert.equal(await auditSeq(srv.base), seq);
    // the right one can
    r = await page('POST', '/track/rate', { form: { number: c.number, code: c.code, rating: 'satisfied' } });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const loc = new URL(r.location, srv.base);
    assert.equal(loc.pathname, '/track');
    assert.equal(loc.searchParams.get('number'), c.number);
    assert.equal(loc.searchParams.get('code'), c.code);
    assert.equal(await auditSeq(srv.base), seq + 1);
    r = await page('GET', `${loc.pathname}${loc.search}`);
    assertHtml(r, 200, 'rated');
    main = mainOf(r.text);
    assert.ok(main.includes(`>${zh(LABELS.state.rated)}</dd>`), 'not shown as rated');
    assert.ok(main.includes(`<strong>${zh(LABELS.rating.satisfied)}</strong>`), 'the rating is not shown');
    assert.ok(!/action="\/track\/rate"/.test(main), 'the rating form is still there');
    // a second rating is refused
    const again = await page('POST', '/track/rate', { form: { number: c.number, code: c.code, rating: 'unsatisfied' } });
    assert.equal(again.status, 409);
    assert.equal(await caseColumn(srv.db, c.number, 'rating'), 'satisfied');
  });
});

describe('the cadres\' pages', () => {
  let s;
  let c;
  before(async () => {
    s = await login(srv.base, 'renhe-cadre');
    c = await newPublicCase(srv.base, { content: `村委会门口积水 ${marker('wk')}`, name: '钱七', phone: '13512345678' });
    await advance(srv.base, cadreTok, c.number, ['register']);
  });

  test('/appeals as renhe-cadre (cookie session) lists the case; without a session 401, a member 403', async () => {
    const r = await page('GET', '/appeals', { auth: s });
    assertHtml(r, 200, '/appeals');
    const main = mainOf(r.text);
    assert.ok(main.includes(`<a href="/appeals/${c.number}">${c.number}</a>`), 'the case is not listed');
    assert.ok(main.includes('村委会门口积水'));
    // on a phone the stacked cells name their column (the header row is hidden there)
    assert.match(main, /<td class="state state-registered" data-label="状态">/);
    assert.match(main, /<td data-label="办理时限">/);
    // filters and search work on the page too
    const f = await page('GET', `/appeals?q=${encodeURIComponent('门口积水')}&status=registered`, { auth: s });
    assertHtml(f, 200, 'filtered');
    assert.ok(mainOf(f.text).includes(`/appeals/${c.number}`));
    const none = await page('GET', `/appeals?status=closed&q=${encodeURIComponent('门口积水')}`, { auth: s });
    assert.ok(!mainOf(none.text).includes(`/appeals/${c.number}"`));
    assert.equal((await page('GET', '/appeals?status=bogus', { auth: s })).status, 400);
    assert.equal((await page('GET', '/appeals')).status, 401);
    const m = await login(srv.base, 'renhe-member');
    assert.equal((await page('GET', '/appeals', { auth: m })).status, 403);
    const y = await login(srv.base, 'yinxing-admin');
    const yl = await page('GET', '/appeals', { auth: y });
    assert.equal(yl.status, 200);
    assert.ok(!yl.text.includes(`/appeals/${c.number}`), 'yinxing-admin sees a renhe case');
    assert.equal((await page('GET', `/appeals/${c.number}`, { auth: y })).status, 404);
  });

  test('the case page shows only the allowed action forms, each with the CSRF token; the phone masked', async () => {
    const r = await page('GET', `/appeals/${c.number}`, { auth: s });
    assertHtml(r, 200, 'detail');
    const main = mainOf(r.text);
    assert.deepEqual(formActions(main), allowedKeys('registered'));
    const forms = [...main.matchAll(/<form class="form action" method="post" action="\/appeals\/([0-9-]+)\/transition">([\s\S]*?)<\/form>/g)];
    assert.equal(forms.length, allowedKeys('registered').length);
    for (const f of forms) {
      assert.equal(f[1], c.number);
      assert.ok(f[2].includes(`<input type="hidden" name="csrf" value="${s.csrf}">`), 'a form without the session CSRF token');
    }
    assert.ok(main.includes('135****5678'), 'the phone is not shown masked');
    assert.ok(!main.includes('13512345678'), 'the full phone is on the page');
    assert.ok(main.includes('村委会门口积水'));
    // the area leader reads it but gets no forms
    const l = await login(srv.base, 'leader');
    const lr = await page('GET', `/appeals/${c.number}`, { auth: l });
    assertHtml(lr, 200, 'leader detail');
    assert.deepEqual(formActions(mainOf(lr.text)), []);
  });

  test('posting a transition form without the csrf field → 403 and nothing changes; with it → 303 and the next forms', async () => {
    const seq = await auditSeq(srv.base);
    const form = { action: 'assign', mode: 'on_site', owner: 'renhe-cadre' };
    let r = await page('POST', `/appeals/${c.number}/transition`, { auth: s, form });
    assert.equal(r.status, 403, r.text.slice(0, 200));
    r = await page('POST', `/appeals/${c.number}/transition`, { auth: s, form: { ...form, csrf: 'wrong-token' } });
    assert.equal(r.status, 403);
    assert.equal(await auditSeq(srv.base), seq);
    assert.equal(await caseColumn(srv.db, c.number, 'state'), 'registered');
    r = await page('POST', `/appeals/${c.number}/transition`, { auth: s, form: { ...form, csrf: s.csrf } });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    assert.equal(r.location, `/appeals/${c.number}`);
    assert.equal(await auditSeq(srv.base), seq + 1);
    const g = await getCase(srv.base, cadreTok, c.number);
    assert.equal(g.json.status, 'assigned');
    assert.equal(g.json.mode, 'on_site');
    assert.equal(g.json.owner, 'renhe-cadre');
    const d = await page('GET', `/appeals/${c.number}`, { auth: s });
    assert.deepEqual(formActions(mainOf(d.text)), allowedKeys('assigned'));
  });

  test('a transition the state does not allow → 409 page; a missing text → 400 page; nothing changes', async () => {
    const seq = await auditSeq(srv.base);
    let r = await page('POST', `/appeals/${c.number}/transition`, { auth: s, form: { csrf: s.csrf, action: 'close' } });
    assertHtml(r, 409, 'close while assigned');
    let alert = /<p class="alert" role="alert">([^<]*)<\/p>/.exec(mainOf(r.text));
    assert.ok(alert, 'no alert on the 409 page');
    assert.equal(alert[1], esc(zh("This action is not allowed in the case's present state.")));
    assert.deepEqual(formActions(mainOf(r.text)), allowedKeys('assigned'), 'the 409 page does not offer what is allowed');
    r = await page('POST', `/appeals/${c.number}/transition`, { auth: s, form: { csrf: s.csrf, action: 'note', text: '' } });
    assertHtml(r, 400, 'empty note');
    alert = /<p class="alert" role="alert">([^<]*)<\/p>/.exec(mainOf(r.text));
    assert.equal(alert[1], esc(zh('The note is empty.')));
    r = await page('POST', `/appeals/${c.number}/transition`, { auth: s, form: { csrf: s.csrf, action: 'rate', rating: 'satisfied' } });
    assertHtml(r, 400, 'rate by a cadre');
    assert.equal(await auditSeq(srv.base), seq);
    assert.equal(await caseColumn(srv.db, c.number, 'state'), 'assigned');
  });

  test('notes typed by a cadre are escaped on the case page', async () => {
    const evil = '<img src=x onerror=alert(1)>备注';
    const r = await page('POST', `/appeals/${c.number}/transition`, { auth: s, form: { csrf: s.csrf, action: 'note', text: evil } });
    assert.equal(r.status, 303);
    const d = await page('GET', `/appeals/${c.number}`, { auth: s });
    const main = mainOf(d.text);
    assert.ok(!main.includes('<img src=x'), 'a note is rendered as HTML');
    assert.ok(main.includes(esc(evil)));
  });
});
