// appeal_api.test.mjs — the JSON API of 民事直说 on a demo server: public intake and
// tracking by number + code (and what the raiser must never see), the whole workflow
// through transitions with one audit entry each, 409s naming the allowed actions, the
// 不满意 rule, offline entry, scope and roles, overdue, list filters and Chinese search,
// the logged contact read, bad input that stores nothing, and the per-address limit.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rawConnect, stopServer } from './lib.mjs';
import { assertJsonError, auditRows, call, sqlScalar } from './auth_lib.mjs';
import {
  ACTIONS, advance, allowedKeys, auditSeq, caseColumn, counts, getCase, listCases, marker, newPublicCase,
  rate, setDeadline, startAppealServer, submitPublic, tokenFor, track, transition, zh,
} from './appeal_lib.mjs';

const PHONE = '13812345678';
const NAME = '王小明';
const PLACE = '三组老槐树下';
const CODE_RE = /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;
const NUMBER_RE = /^\d{6}-\d{4,6}$/;
const PUBLIC_KEYS = ['answer', 'can_rate', 'created_at', 'kind', 'number', 'rating', 'status', 'status_label', 'timeline',
  'updated_at', 'village'];

let srv;
const tok = {};
before(async () => {
  srv = await startAppealServer();
  for (const l of ['renhe-cadre', 'renhe-admin', 'renhe-supervisor', 'renhe-member', 'leader', 'township', 'county', 'yinxing-admin']) {
    tok[l] = await tokenFor(srv.base, l);
  }
});
after(() => stopServer(srv));

const cadre = () => tok['renhe-cadre'];
const now = () => Math.floor(Date.now() / 1000);

/** A renhe case raised online with contact details; resolves { number, code, mk }. */
async function privateCase(extra = {}) {
  const mk = marker('pv');
  const c = await newPublicCase(srv.base, { content: `村口路灯坏了 ${mk}`, place: PLACE, name: NAME, phone: PHONE, ...extra });
  return { ...c, mk };
}

/** Assert that a public response body carries none of the raiser's or the committee's private text. */
function assertNothingPrivate(text, secrets, where) {
  for (const s of secrets) assert.ok(!text.includes(s), `${where}: the public JSON holds ${JSON.stringify(s)}: ${text}`);
  for (const k of ['"content"', '"place"', '"raiser_name"', '"raiser_phone"', '"name"', '"phone"', '"owner"', '"entered_by"',
    '"note"', '"actor"', '"escalated_to"', '"mode"', '"deadline"', '"channel"']) {
    assert.ok(!text.includes(k), `${where}: the public JSON has a key ${k}: ${text}`);
  }
}

describe('public intake and tracking', () => {
  test('POST /api/v1/public/appeals → 201 {number, tracking_code} with Location; stored as received, code hashed', async () => {
    const before = await auditSeq(srv.base);
    const mk = marker('in');
    const r = await submitPublic(srv.base, { village: 'renhe', kind: 'village', content: `村口路灯坏了 ${mk}`, phone: PHONE, name: NAME });
    assert.equal(r.status, 201, r.text);
    assert.match(r.headers.get('content-type'), /^application\/json\b/);
    assert.deepEqual(Object.keys(r.json).sort(), ['number', 'tracking_code']);
    assert.match(r.json.number, NUMBER_RE);
    assert.match(r.json.tracking_code, CODE_RE);
    assert.equal(r.location, `/api/v1/public/appeals/${r.json.number}`);
    const n = r.json.number;
    assert.equal(await caseColumn(srv.db, n, 'state'), 'received');
    assert.equal(await caseColumn(srv.db, n, 'channel'), 'online');
    assert.equal(await sqlScalar(srv.db, `SELECT entered_by IS NULL FROM appeal WHERE number = '${n}'`), '1', 'entered_by is set');
    const hash = await caseColumn(srv.db, n, 'code_hash');
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.ok(!hash.includes(r.json.tracking_code.replace('-', '')), 'the code is stored in clear');
    // one audit entry, without the contact details
    assert.equal(await auditSeq(srv.base), before + 1);
    const [row] = await auditRows(srv.db, before);
    assert.equal(row.action, 'appeal.create');
    assert.equal(row.object, `appeal:${n}`);
    assert.match(row.actor, /^public:/);
    assert.ok(!JSON.stringify(row).includes(PHONE) && !JSON.stringify(row).includes(NAME), JSON.stringify(row));
    // two submissions get two numbers and two codes
    const r2 = await submitPublic(srv.base, { village: 'renhe', kind: 'family', content: `另一件事 ${mk}` });
    assert.equal(r2.status, 201, r2.text);
    assert.notEqual(r2.json.number, n);
    assert.notEqual(r2.json.tracking_code, r.json.tracking_code);
  });

  test('GET /api/v1/public/appeals/{number}?code= shows the status; the code may be typed in lower case, spaced, without dash', async () => {
    const { number, code } = await privateCase();
    const r = await track(srv.base, number, code);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.json).sort(), PUBLIC_KEYS);
    assert.equal(r.json.number, number);
    assert.equal(r.json.status, 'received');
    assert.equal(r.json.status_label, zh('Received'));
    assert.equal(r.json.village, 'renhe');
    assert.equal(r.json.kind, 'village');
    assert.equal(r.json.answer, null);
    assert.equal(r.json.rating, null);
    assert.equal(r.json.can_rate, false);
    assert.equal(r.json.timeline.length, 1);
    for (const variant of [code.toLowerCase(), code.replace('-', ''), code.replace('-', ' '), ` ${code.toLowerCase().replace('-', '')} `]) {
      const v = await track(srv.base, number, variant);
      assert.equal(v.status, 200, `${JSON.stringify(variant)}: ${v.text}`);
      assert.equal(v.json.number, number);
    }
  });

  test('the status label follows the language: ?lang=en gives the English', async () => {
    const { number, code } = await privateCase();
    const en = await call(srv.base, 'GET', `/api/v1/public/appeals/${number}?code=${code}&lang=en`);
    assert.equal(en.status, 200, en.text);
    assert.equal(en.json.status_label, 'Received');
    const zhr = await call(srv.base, 'GET', `/api/v1/public/appeals/${number}?code=${code}`);
    assert.equal(zhr.json.status_label, zh('Received'));
  });

  test('simultaneous submissions get distinct numbers and codes', async () => {
    const rs = await Promise.all(Array.from({ length: 24 }, (_, i) =>
      submitPublic(srv.base, { village: i % 2 ? 'renhe' : 'yinxing', kind: 'neighbour', content: `同时提交 ${i}` })));
    for (const r of rs) assert.equal(r.status, 201, r.text);
    assert.equal(new Set(rs.map((r) => r.json.number)).size, rs.length, 'duplicate numbers');
    assert.equal(new Set(rs.map((r) => r.json.tracking_code)).size, rs.length, 'duplicate codes');
    for (const r of rs) assert.equal((await track(srv.base, r.json.number, r.json.tracking_code)).status, 200);
  });

  test('a wrong code, a missing code, another case\'s code and an unknown number are all the same 404', async () => {
    const a = await privateCase();
    const b = await privateCase();
    const wrong = a.code[0] === '2' ? `3${a.code.slice(1)}` : `2${a.code.slice(1)}`;
    const messages = new Set();
    for (const [n, c, what] of [
      [a.number, wrong, 'wrong code'],
      [a.number, b.code, "another case's code"],
      [a.number, undefined, 'no code'],
      [a.number, '', 'empty code'],
      [a.number, 'OOOO-OOOO', 'malformed code'],
      ['991231-9999', a.code, 'unknown number'],
      ['not-a-number', a.code, 'garbage number'],
      [`${a.number}0`, a.code, 'number with a digit more'],
    ]) {
      const r = await track(srv.base, n, c);
      messages.add(assertJsonError(r, 404, 'not_found', what));
    }
    assert.equal(messages.size, 1, `different 404 messages tell which part was wrong: ${[...messages].join(' | ')}`);
    // the right pair still works
    assert.equal((await track(srv.base, a.number, a.code)).status, 200);
  });

  test('the public JSON never holds content, place, name, phone, owner, notes, internal text or entered_by — also once answered', async () => {
    const { number, code, mk } = await privateCase();
    const note = `内部备注 ${marker('nt')}`;
    const resolveText = `内部处理 ${marker('rs')}`;
    const answer = `路灯已修好 ${marker('an')}`;
    const secrets = [PHONE, '138****', '****5678', NAME, PLACE, mk, note, resolveText, 'renhe-cadre', 'user:', 'public:'];
    assertNothingPrivate((await track(srv.base, number, code)).text, secrets, 'received');
    await advance(srv.base, cadre(), number, ['register', { action: 'note', text: note },
      { action: 'assign', mode: 'cadre_led', owner: 'renhe-cadre' }, 'start', { action: 'note', text: note }]);
    assertNothingPrivate((await track(srv.base, number, code)).text, secrets, 'in progress');
    await advance(srv.base, cadre(), number, [{ action: 'resolve', text: resolveText }]);
    assertNothingPrivate((await track(srv.base, number, code)).text, secrets, 'resolved');
    await advance(srv.base, cadre(), number, [{ action: 'answer', text: answer }, { action: 'note', text: note }]);
    const r = await track(srv.base, number, code);
    assert.equal(r.status, 200);
    assertNothingPrivate(r.text, secrets, 'answered');
    assert.deepEqual(Object.keys(r.json).sort(), PUBLIC_KEYS);
    assert.equal(r.json.status, 'answered');
    assert.equal(r.json.answer, answer, 'the answer is for the raiser');
    assert.equal(r.json.can_rate, true);
    for (const ev of r.json.timeline) assert.deepEqual(Object.keys(ev).sort(), ['action', 'at', 'from', 'to']);
    assert.ok(!r.json.timeline.some((ev) => ev.action === 'note' || ev.action === 'resolve'), 'internal steps in the public timeline');
    // rated: the same
    const rated = await rate(srv.base, number, code, 'basic');
    assert.equal(rated.status, 200, rated.text);
    assertNothingPrivate(rated.text, secrets, 'rating response');
    assert.equal(rated.json.rating, 'basic');
    assert.equal(rated.json.status, 'rated');
  });
});

describe('the workflow', () => {
  test('register → assign (7 days) → start → resolve → answer → rated satisfied → closed, one audit entry per step', async () => {
    const { number, code } = await privateCase();
    const seq0 = await auditSeq(srv.base);
    const steps = [
      [{ action: 'register' }, 'registered'],
      [{ action: 'assign', mode: 'cadre_led', owner: 'renhe-cadre' }, 'assigned'],
      [{ action: 'start' }, 'in_progress'],
      [{ action: 'resolve', text: '内部：已换灯泡。' }, 'resolved'],
      [{ action: 'answer', text: '路灯已修好，感谢反映。' }, 'answered'],
    ];
    let seq = seq0;
    for (const [body, state] of steps) {
      const t0 = now();
      const r = await transition(srv.base, cadre(), number, body);
      assert.equal(r.status, 200, `${body.action}: ${r.text}`);
      assert.equal(r.json.status, state);
      assert.equal(r.json.allowed_actions, allowedKeys(state).join(', '), `allowed in ${state}`);
      const s = await auditSeq(srv.base);
      assert.equal(s, seq + 1, `${body.action} appended ${s - seq} audit entries`);
      const [row] = await auditRows(srv.db, seq);
      assert.equal(row.action, `appeal.${body.action}`);
      assert.equal(row.actor, 'user:renhe-cadre');
      assert.equal(row.object, `appeal:${number}`);
      seq = s;
      if (body.action === 'assign') {
        assert.equal(r.json.mode, 'cadre_led');
        assert.equal(r.json.owner, 'renhe-cadre');
        const want = t0 + 7 * 86400;
        assert.ok(Math.abs(r.json.deadline - want) <= 60, `deadline ${r.json.deadline}, expected ${want} ± 60`);
        assert.equal(r.json.overdue, false);
      }
    }
    // the raiser sees the answer and rates it
    let p = await track(srv.base, number, code);
    assert.equal(p.json.status, 'answered');
    assert.equal(p.json.answer, '路灯已修好，感谢反映。');
    assert.equal(p.json.can_rate, true);
    p = await rate(srv.base, number, code, 'satisfied');
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.status, 'rated');
    assert.equal(p.json.rating, 'satisfied');
    assert.equal(p.json.can_rate, false);
    assert.equal(await auditSeq(srv.base), seq + 1, 'the rating is audited once');
    const [rrow] = await auditRows(srv.db, seq);
    assert.equal(rrow.action, 'appeal.rate');
    assert.match(rrow.actor, /^public:/);
    seq += 1;
    // a second rating is refused
    const again = await rate(srv.base, number, code, 'unsatisfied');
    assertJsonError(again, 409, 'conflict', 'second rating');
    assert.equal(await auditSeq(srv.base), seq);
    // closed
    const closed = await transition(srv.base, cadre(), number, { action: 'close' });
    assert.equal(closed.status, 200, closed.text);
    assert.equal(closed.json.status, 'closed');
    assert.equal(closed.json.allowed_actions, '');
    assert.equal(await auditSeq(srv.base), seq + 1);
    assert.ok(Number(await caseColumn(srv.db, number, 'closed_at')) >= now() - 60);
    p = await track(srv.base, number, code);
    assert.equal(p.json.status, 'closed');
    assert.equal(p.json.status_label, zh('Closed'));
    assert.equal(p.json.rating, 'satisfied');
    // the whole internal timeline, in order
    const full = await getCase(srv.base, cadre(), number);
    assert.deepEqual(full.json.timeline.map((e) => e.action), ['receive', 'register', 'assign', 'start', 'resolve', 'answer', 'rate', 'close']);
    assert.deepEqual(p.json.timeline.map((e) => e.action), ['receive', 'register', 'assign', 'start', 'answer', 'rate', 'close']);
  });

  test('不满意 reopens once (the answer hidden again); the second time escalates one level up', async () => {
    const { number, code } = await privateCase();
    await advance(srv.base, cadre(), number, ['register', 'assign', 'start', 'resolve', { action: 'answer', text: '第一次答复' }]);
    let p = await rate(srv.base, number, code, 'unsatisfied');
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.status, 'reopened');
    assert.equal(p.json.status_label, zh('Reopened'));
    assert.equal(p.json.answer, null, 'a reopened case still shows the answer the raiser rejected');
    assert.equal(p.json.can_rate, false);
    p = await track(srv.base, number, code);
    assert.equal(p.json.answer, null);
    let c = (await getCase(srv.base, cadre(), number)).json;
    assert.equal(c.status, 'reopened');
    assert.equal(c.reopens, 1);
    assert.equal(c.escalation, 0);
    assert.equal(c.rating, 'unsatisfied');
    assert.equal(c.allowed_actions, allowedKeys('reopened').join(', '));
    // handled again
    await advance(srv.base, cadre(), number, ['assign', 'start', 'resolve', { action: 'answer', text: '第二次答复' }]);
    p = await track(srv.base, number, code);
    assert.equal(p.json.status, 'answered');
    assert.equal(p.json.answer, '第二次答复');
    assert.equal(p.json.can_rate, true);
    p = await rate(srv.base, number, code, 'unsatisfied');
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.status, 'escalated');
    assert.equal(p.json.status_label, zh('Escalated'));
    c = (await getCase(srv.base, cadre(), number)).json;
    assert.equal(c.status, 'escalated');
    assert.equal(c.escalation, 1);
    assert.equal(c.reopens, 2);
    assert.equal(c.allowed_actions, allowedKeys('escalated', 1).join(', '));
    // the township may take it to the county, and no further
    const up = await transition(srv.base, tok.township, number, { action: 'escalate', text: '两当县信访局' });
    assert.equal(up.status, 200, up.text);
    assert.equal(up.json.escalation, 2);
    assert.equal(up.json.escalated_to, '两当县信访局');
    assert.equal(up.json.allowed_actions, 'assign, resolve, note');
    const seq = await auditSeq(srv.base);
    const more = await transition(srv.base, tok.township, number, { action: 'escalate', text: '省里' });
    const msg = assertJsonError(more, 409, 'conflict', 'escalate at the county');
    assert.ok(msg.includes('assign, resolve, note'), msg);
    assert.equal(await auditSeq(srv.base), seq);
  });

  test('every action not allowed now is a 409 naming the allowed ones, and changes nothing', async () => {
    const { number, code } = await privateCase();
    const full = (action) => ({ action, mode: 'cadre_led', owner: 'renhe-cadre', text: '测试文字' });
    let checked = 0;
    const probe = async (state, escalation = 0) => {
      const before = await getCase(srv.base, cadre(), number);
      assert.equal(before.json.status, state);
      const allowed = before.json.allowed_actions;
      // the server's own list follows the design (received: see the unit test's row of the table)
      if (state !== 'received') assert.equal(allowed, allowedKeys(state, escalation).join(', '), `allowed in ${state}`);
      const seq = await auditSeq(srv.base);
      for (const a of ACTIONS) {
        if (a === 'rate' || allowedKeys(state, escalation).includes(a) || (state === 'received' && a === 'note')) continue;
        const r = await transition(srv.base, cadre(), number, full(a));
        const msg = assertJsonError(r, 409, 'conflict', `${a} in ${state}`);
        assert.ok(msg.endsWith(`Allowed now: ${allowed || 'none'}.`), `${a} in ${state}: ${msg}`);
        checked++;
      }
      assert.equal(await auditSeq(srv.base), seq, `refused actions in ${state} were audited`);
      const after = await getCase(srv.base, cadre(), number);
      assert.deepEqual(after.json, before.json, `refused actions in ${state} changed the case`);
    };
    await probe('received');
    await advance(srv.base, cadre(), number, ['register']);
    await probe('registered');
    await advance(srv.base, cadre(), number, ['assign']);
    await probe('assigned');
    await advance(srv.base, cadre(), number, ['start']);
    await probe('in_progress');
    await advance(srv.base, cadre(), number, ['escalate']);
    await probe('escalated', 1);
    await advance(srv.base, cadre(), number, ['resolve']);
    await probe('resolved', 1);
    await advance(srv.base, cadre(), number, ['answer']);
    await probe('answered', 1);
    assert.equal((await rate(srv.base, number, code, 'unsatisfied')).status, 200);
    await probe('reopened', 1);
    await advance(srv.base, cadre(), number, ['assign', 'start', 'resolve', 'answer']);
    assert.equal((await rate(srv.base, number, code, 'satisfied')).status, 200);
    await probe('rated', 1);
    await advance(srv.base, cadre(), number, ['close']);
    await probe('closed', 1);
    assert.ok(checked >= 40, `only ${checked} refusals checked`);
    // a closed case says so
    const r = await transition(srv.base, cadre(), number, { action: 'note', text: '再记一笔' });
    const msg = assertJsonError(r, 409, 'conflict');
    assert.ok(msg.endsWith('Allowed now: none.'), msg);
  });

  test('two cadres registering the same case at once: one wins, the other gets 409', async () => {
    const { number } = await privateCase();
    const seq = await auditSeq(srv.base);
    const rs = await Promise.all([cadre(), tok['renhe-admin'], tok.township].map((a) => transition(srv.base, a, number, { action: 'register' })));
    assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409, 409], rs.map((r) => r.text).join('\n'));
    assert.equal(await auditSeq(srv.base), seq + 1);
    const c = (await getCase(srv.base, cadre(), number)).json;
    assert.deepEqual(c.timeline.map((e) => e.action), ['receive', 'register']);
  });

  test('missing or bad fields → 400, and nothing changes', async () => {
    const { number } = await privateCase();
    const seq0 = await auditSeq(srv.base);
    const bad = [
      [{}, 'no action'],
      [{ action: 'fly' }, 'unknown action'],
      [{ action: 42 }, 'action not a string'],
      [{ action: 'register', extra: 1 }, 'unknown field'],
      [{ action: 'assign', owner: 'renhe-cadre' }, 'assign without mode'],
      [{ action: 'assign', mode: 'quickly', owner: 'renhe-cadre' }, 'assign with an unknown mode'],
    ];
    for (const [body, what] of bad) assertJsonError(await transition(srv.base, cadre(), number, body), 400, 'invalid_input', what);
    await advance(srv.base, cadre(), number, ['register']);
    const seq1 = await auditSeq(srv.base);
    assert.equal(seq1, seq0 + 1);
    const bad2 = [
      [{ action: 'assign', mode: 'cadre_led' }, 'assign without owner'],
      [{ action: 'assign', mode: 'cadre_led', owner: '' }, 'assign with an empty owner'],
      [{ action: 'assign', mode: 'cadre_led', owner: 'nobody-here' }, 'assign to an unknown login'],
      [{ action: 'assign', mode: 'cadre_led', owner: 'yinxing-admin' }, 'assign to a cadre of another village'],
      [{ action: 'assign', mode: 'cadre_led', owner: 'renhe-member' }, 'assign to a Party member'],
      [{ action: 'assign', mode: 'cadre_led', owner: 'leader' }, 'assign to an area leader (view only)'],
      [{ action: 'note' }, 'note without text'],
      [{ action: 'note', text: '' }, 'empty note'],
      [{ action: 'note', text: '长'.repeat(2001) }, '2001-character note'],
      [{ action: 'escalate' }, 'escalate without a unit'],
    ];
    for (const [body, what] of bad2) assertJsonError(await transition(srv.base, cadre(), number, body), 400, 'invalid_input', what);
    await advance(srv.base, cadre(), number, ['assign', 'start']);
    assertJsonError(await transition(srv.base, cadre(), number, { action: 'resolve' }), 400, 'invalid_input', 'resolve without text');
    await advance(srv.base, cadre(), number, ['resolve']);
    assertJsonError(await transition(srv.base, cadre(), number, { action: 'answer' }), 400, 'invalid_input', 'answer without text');
    assertJsonError(await transition(srv.base, cadre(), number, { action: 'answer', text: '' }), 400, 'invalid_input', 'empty answer');
    assert.equal(await auditSeq(srv.base), seq1 + 3, 'a refused transition was audited');
    assert.equal((await getCase(srv.base, cadre(), number)).json.status, 'resolved');
    // a 2000-character note is fine
    const ok = await transition(srv.base, cadre(), number, { action: 'note', text: '长'.repeat(2000) });
    assert.equal(ok.status, 200, ok.text);
    // an unknown case
    assertJsonError(await transition(srv.base, cadre(), '991231-9999', { action: 'register' }), 404, 'not_found');
  });

  test('a cadre cannot rate through transitions (400); the raiser\'s rating is checked too', async () => {
    const { number, code } = await privateCase();
    await advance(srv.base, cadre(), number, ['register', 'assign', 'start', 'resolve', 'answer']);
    const seq = await auditSeq(srv.base);
    for (const rating of ['satisfied', 'unsatisfied', undefined]) {
      const r = await transition(srv.base, cadre(), number, rating ? { action: 'rate', rating } : { action: 'rate' });
      const msg = assertJsonError(r, 400, 'invalid_input', `cadre rating ${rating}`);
      assert.match(msg, /rate/);
    }
    assertJsonError(await rate(srv.base, number, code, 'great'), 400, 'invalid_input', 'unknown rating');
    assertJsonError(await rate(srv.base, number, code, 'none'), 400, 'invalid_input', 'rating none');
    assertJsonError(await rate(srv.base, number, 'ZZZZ-ZZZZ', 'satisfied'), 404, 'not_found', 'rating with a wrong code');
    assertJsonError(await call(srv.base, 'POST', `/api/v1/public/appeals/${number}/rating`, { json: { code, rating: 'basic', x: 1 } }),
      400, 'invalid_input', 'rating with an unknown field');
    assert.equal(await auditSeq(srv.base), seq);
    assert.equal((await getCase(srv.base, cadre(), number)).json.status, 'answered');
    // before it is answered the raiser cannot rate
    const other = await privateCase();
    assertJsonError(await rate(srv.base, other.number, other.code, 'satisfied'), 409, 'conflict', 'rating a received case');
  });
});

describe('offline entry by a cadre', () => {
  test('POST /api/v1/appeals with channel visit → 201, entered_by the cadre, registered, with a tracking code', async () => {
    const mk = marker('off');
    const seq = await auditSeq(srv.base);
    const r = await call(srv.base, 'POST', '/api/v1/appeals', {
      auth: cadre(),
      json: { village: 'renhe', kind: 'family', channel: 'visit', content: `入户走访：老人赡养问题 ${mk}`, name: '李大娘', phone: '0939-7261234' },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.entered_by, 'renhe-cadre');
    assert.equal(r.json.status, 'registered');
    assert.equal(r.json.channel, 'visit');
    assert.equal(r.json.kind, 'family');
    assert.equal(r.json.village, 'renhe');
    assert.match(r.json.number, NUMBER_RE);
    assert.match(r.json.tracking_code, CODE_RE);
    assert.equal(r.json.raiser_phone, '093****1234');
    assert.equal(await auditSeq(srv.base), seq + 1);
    const [row] = await auditRows(srv.db, seq);
    assert.equal(row.action, 'appeal.create');
    assert.equal(row.actor, 'user:renhe-cadre');
    // the raiser can follow it with the code written down for them
    const p = await track(srv.base, r.json.number, r.json.tracking_code);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.status, 'registered');
    assert.ok(!p.text.includes('renhe-cadre') && !p.text.includes('entered_by'), p.text);
    // every offline channel
    for (const channel of ['room', 'day', 'phone', 'wechat']) {
      const o = await call(srv.base, 'POST', '/api/v1/appeals', { auth: cadre(), json: { village: 'renhe', kind: 'village', channel, content: `${channel} ${mk}` } });
      assert.equal(o.status, 201, `${channel}: ${o.text}`);
      assert.equal(o.json.channel, channel);
    }
  });

  test('channel online, a missing or unknown channel, and callers out of scope are refused; nothing is stored', async () => {
    const c0 = await counts(srv.db);
    const body = (extra) => ({ village: 'renhe', kind: 'village', content: '线下事项', channel: 'visit', ...extra });
    assertJsonError(await call(srv.base, 'POST', '/api/v1/appeals', { auth: cadre(), json: body({ channel: 'online' }) }), 400, 'invalid_input', 'online');
    const noChannel = body();
    delete noChannel.channel;
    assertJsonError(await call(srv.base, 'POST', '/api/v1/appeals', { auth: cadre(), json: noChannel }), 400, 'invalid_input', 'no channel');
    assertJsonError(await call(srv.base, 'POST', '/api/v1/appeals', { auth: cadre(), json: body({ channel: 'pigeon' }) }), 400, 'invalid_input', 'pigeon');
    assertJsonError(await call(srv.base, 'POST', '/api/v1/appeals', { auth: cadre(), json: body({ village: 'yinxing' }) }), 404, 'not_found', 'another village');
    assertJsonError(await call(srv.base, 'POST', '/api/v1/appeals', { auth: tok['yinxing-admin'], json: body() }), 404, 'not_found', 'yinxing-admin for renhe');
    assertJsonError(await call(srv.base, 'POST', '/api/v1/appeals', { auth: tok.leader, json: body() }), 403, 'forbidden', 'area leader');
    assertJsonError(await call(srv.base, 'POST', '/api/v1/appeals', { auth: tok['renhe-member'], json: body() }), 403, 'forbidden', 'member');
    assertJsonError(await call(srv.base, 'POST', '/api/v1/appeals', { json: body() }), 401, 'unauthenticated', 'no login');
    assert.deepEqual(await counts(srv.db), c0);
  });
});

describe('scope and roles', () => {
  let number;
  let yx;
  before(async () => {
    ({ number } = await privateCase());
    yx = await newPublicCase(srv.base, { village: 'yinxing', content: `银杏村的事 ${marker('yx')}` });
  });

  test('yinxing-admin gets the same 404 for a renhe case as for no case at all', async () => {
    const y = tok['yinxing-admin'];
    const seq = await auditSeq(srv.base);
    const m1 = assertJsonError(await getCase(srv.base, y, number), 404, 'not_found', 'get');
    const m2 = assertJsonError(await getCase(srv.base, y, '991231-9999'), 404, 'not_found', 'get unknown');
    assert.equal(m1, m2);
    assertJsonError(await transition(srv.base, y, number, { action: 'register' }), 404, 'not_found', 'transition');
    assertJsonError(await call(srv.base, 'GET', `/api/v1/appeals/${number}/contact`, { auth: y }), 404, 'not_found', 'contact');
    assert.equal(await auditSeq(srv.base), seq);
    assert.equal(await caseColumn(srv.db, number, 'state'), 'received');
    // and handles its own
    const own = await transition(srv.base, y, yx.number, { action: 'register' });
    assert.equal(own.status, 200, own.text);
    // its list holds no renhe case
    const l = await listCases(srv.base, y, { per_page: 100 });
    assert.equal(l.status, 200);
    assert.ok(l.json.items.length > 0);
    assert.ok(l.json.items.every((i) => i.village === 'yinxing'), JSON.stringify(l.json.items.map((i) => i.village)));
  });

  test('renhe-member (no appeal permission) → 403; no login → 401', async () => {
    const m = tok['renhe-member'];
    assertJsonError(await listCases(srv.base, m), 403, 'forbidden', 'list');
    assertJsonError(await getCase(srv.base, m, number), 403, 'forbidden', 'get');
    assertJsonError(await transition(srv.base, m, number, { action: 'register' }), 403, 'forbidden', 'transition');
    assertJsonError(await call(srv.base, 'GET', `/api/v1/appeals/${number}/contact`, { auth: m }), 403, 'forbidden', 'contact');
    assertJsonError(await listCases(srv.base, undefined), 401, 'unauthenticated', 'list');
    assertJsonError(await getCase(srv.base, undefined, number), 401, 'unauthenticated', 'get');
    assertJsonError(await transition(srv.base, undefined, number, { action: 'register' }), 401, 'unauthenticated', 'transition');
    assertJsonError(await call(srv.base, 'GET', `/api/v1/appeals/${number}/contact`), 401, 'unauthenticated', 'contact');
    assertJsonError(await call(srv.base, 'GET', '/api/v1/appeals', { auth: { token: 'zd_not-a-real-token' } }), 401, 'unauthenticated', 'bad token');
    assert.equal(await caseColumn(srv.db, number, 'state'), 'received');
  });

  test('the area leader lists and reads renhe and yinxing cases but cannot act on them (403)', async () => {
    const l = tok.leader;
    const g = await getCase(srv.base, l, number);
    assert.equal(g.status, 200, g.text);
    assert.equal(g.json.number, number);
    const list = await listCases(srv.base, l, { per_page: 100 });
    assert.equal(list.status, 200);
    const villages = new Set(list.json.items.map((i) => i.village));
    assert.ok(villages.has('renhe') && villages.has('yinxing'), [...villages].join(','));
    for (const v of villages) assert.ok(['renhe', 'yinxing'].includes(v), `leader sees ${v}`);
    assertJsonError(await transition(srv.base, l, number, { action: 'register' }), 403, 'forbidden', 'leader transition');
    assertJsonError(await call(srv.base, 'POST', '/api/v1/appeals', { auth: l, json: { village: 'renhe', kind: 'village', channel: 'room', content: 'x' } }), 403, 'forbidden');
    assert.equal(await caseColumn(srv.db, number, 'state'), 'received');
  });

  test('the township and the county see every village; the supervisor reads but cannot act', async () => {
    for (const who of ['township', 'county', 'renhe-admin', 'renhe-supervisor']) {
      assert.equal((await getCase(srv.base, tok[who], number)).status, 200, who);
      assert.equal((await getCase(srv.base, tok[who], yx.number)).status, who.startsWith('renhe') ? 404 : 200, `${who} on yinxing`);
    }
    assertJsonError(await transition(srv.base, tok['renhe-supervisor'], number, { action: 'register' }), 403, 'forbidden', 'supervisor');
  });
});

describe('overdue cases (督办)', () => {
  test('an on-site case past its deadline is listed with overdue=1 for the township and the leader, with "overdue": true', async () => {
    const { number } = await privateCase();
    const t0 = now();
    const c = await advance(srv.base, cadre(), number, ['register', { action: 'assign', mode: 'on_site', owner: 'renhe-cadre' }]);
    assert.equal(c.mode, 'on_site');
    assert.ok(Math.abs(c.deadline - (t0 + 86400)) <= 60, `on_site deadline ${c.deadline}`);
    const inTime = await privateCase();
    await advance(srv.base, cadre(), inTime.number, ['register', { action: 'assign', mode: 'on_site', owner: 'renhe-cadre' }]);
    await setDeadline(srv.db, number, -10);
    for (const who of ['township', 'leader', 'renhe-cadre']) {
      const r = await listCases(srv.base, tok[who], { overdue: 1, per_page: 100 });
      assert.equal(r.status, 200, r.text);
      const mine = r.json.items.find((i) => i.number === number);
      assert.ok(mine, `${who}: the overdue case is not listed`);
      assert.equal(mine.overdue, true);
      assert.ok(r.json.items.every((i) => i.overdue === true), `${who}: a case listed as overdue is not`);
      assert.ok(!r.json.items.some((i) => i.number === inTime.number), `${who}: a case in time is listed as overdue`);
    }
    assert.equal((await getCase(srv.base, tok.township, number)).json.overdue, true);
    assert.equal((await getCase(srv.base, tok.township, inTime.number)).json.overdue, false);
    // the yinxing admin does not see renhe's overdue cases
    const y = await listCases(srv.base, tok['yinxing-admin'], { overdue: 1, per_page: 100 });
    assert.ok(!y.json.items.some((i) => i.number === number));
    // once resolved it is no longer overdue
    await advance(srv.base, cadre(), number, ['start', 'resolve']);
    const after = await listCases(srv.base, tok.township, { overdue: 1, per_page: 100 });
    assert.ok(!after.json.items.some((i) => i.number === number), 'a resolved case is still overdue');
    assert.equal((await getCase(srv.base, tok.township, number)).json.overdue, false);
  });
});

describe('the work list: filters, pages, search', () => {
  const mk = marker('ls');
  const made = {};
  before(async () => {
    const mkCase = async (key, fields, actions) => {
      const c = await newPublicCase(srv.base, { ...fields, content: `${fields.content} ${mk}` });
      if (actions) await advance(srv.base, fields.village === 'yinxing' ? tok['yinxing-admin'] : cadre(), c.number, actions);
      made[key] = c;
    };
    await mkCase('a', { kind: 'village', content: '村口路灯坏了' });
    await mkCase('b', { kind: 'neighbour', content: '邻居家狗半夜叫' }, ['register']);
    await mkCase('c', { kind: 'family', content: '婆媳矛盾请调解' }, ['register', { action: 'assign', mode: 'on_site', owner: 'renhe-cadre' }]);
    await mkCase('d', { kind: 'village', content: '水渠堵了需要疏通', place: '西头' }, ['register', { action: 'assign', mode: 'joint_township', owner: 'renhe-admin' }]);
    await mkCase('e', { kind: 'village', content: '路灯不亮已修好' }, ['register', 'assign', 'start', 'resolve', 'answer', 'close']);
    await mkCase('y', { village: 'yinxing', kind: 'village', content: '银杏村路灯也坏了' }, ['register']);
  });
  const numbers = (r) => r.json.items.map((i) => i.number).sort();
  const want = (...keys) => keys.map((k) => made[k].number).sort();
  const q = (extra) => listCases(srv.base, cadre(), { q: mk, ...extra });

  test('filters: village, status, kind, mode, owner, open', async () => {
    const all = await q({});
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(numbers(all), want('a', 'b', 'c', 'd', 'e'));
    assert.equal(all.json.total, 5);
    assert.deepEqual(numbers(await q({ village: 'renhe' })), want('a', 'b', 'c', 'd', 'e'));
    assert.deepEqual(numbers(await q({ village: 'yinxing' })), []);
    assert.deepEqual(numbers(await q({ status: 'received' })), want('a'));
    assert.deepEqual(numbers(await q({ status: 'registered' })), want('b'));
    assert.deepEqual(numbers(await q({ status: 'assigned' })), want('c', 'd'));
    assert.deepEqual(numbers(await q({ status: 'closed' })), want('e'));
    assert.deepEqual(numbers(await q({ kind: 'family' })), want('c'));
    assert.deepEqual(numbers(await q({ kind: 'neighbour' })), want('b'));
    assert.deepEqual(numbers(await q({ kind: 'village' })), want('a', 'd', 'e'));
    assert.deepEqual(numbers(await q({ mode: 'on_site' })), want('c'));
    assert.deepEqual(numbers(await q({ mode: 'joint_township' })), want('d'));
    assert.deepEqual(numbers(await q({ owner: 'renhe-admin' })), want('d'));
    assert.deepEqual(numbers(await q({ owner: 'renhe-cadre' })), want('c', 'e'));
    assert.deepEqual(numbers(await q({ open: 1 })), want('a', 'b', 'c', 'd'));
    assert.deepEqual(numbers(await q({ kind: 'village', open: 1 })), want('a', 'd'));
    assert.deepEqual(numbers(await q({ status: 'assigned', owner: 'renhe-cadre', mode: 'on_site' })), want('c'));
    // the township sees the yinxing one too
    const t = await listCases(srv.base, tok.township, { q: mk, per_page: 100 });
    assert.deepEqual(numbers(t), want('a', 'b', 'c', 'd', 'e', 'y'));
    const ty = await listCases(srv.base, tok.township, { q: mk, village: 'yinxing' });
    assert.deepEqual(numbers(ty), want('y'));
    // the list never carries the raiser's name or phone
    for (const i of t.json.items) {
      assert.ok(!('raiser_phone' in i) && !('raiser_name' in i), JSON.stringify(i));
    }
  });

  test('pages: page/per_page with the total; newest first; no overlap', async () => {
    const seen = [];
    for (let page = 1; page <= 3; page++) {
      const r = await q({ per_page: 2, page });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.total, 5);
      assert.equal(r.json.page, page);
      assert.equal(r.json.per_page, 2);
      assert.equal(r.json.items.length, page < 3 ? 2 : 1);
      seen.push(...r.json.items.map((i) => i.number));
    }
    assert.equal(new Set(seen).size, 5);
    assert.deepEqual([...seen].sort(), want('a', 'b', 'c', 'd', 'e'));
    const first = await q({ per_page: 5 });
    assert.deepEqual(first.json.items.map((i) => i.number), [...want('a', 'b', 'c', 'd', 'e')].reverse(), 'not newest first');
    const beyond = await q({ per_page: 2, page: 4 });
    assert.equal(beyond.status, 200);
    assert.equal(beyond.json.total, 5);
    assert.deepEqual(beyond.json.items, []);
    const dflt = await q({});
    assert.equal(dflt.json.page, 1);
    assert.equal(dflt.json.per_page, 20);
  });

  test('bad filter values → 400', async () => {
    const bad = [
      { status: 'bogus' }, { status: 'Received' }, { kind: 'farm' }, { mode: 'fast' }, { overdue: '2' }, { overdue: 'yes' },
      { open: 'true' }, { page: '0' }, { page: '-1' }, { page: 'x' }, { per_page: '0' }, { per_page: '101' }, { per_page: '1e3' },
      { page: '100001' }, { q: '字'.repeat(101) },
    ];
    for (const b of bad) assertJsonError(await listCases(srv.base, cadre(), b), 400, 'invalid_input', JSON.stringify(b));
    assert.equal((await listCases(srv.base, cadre(), { q: '字'.repeat(100) })).status, 200);
    assert.equal((await listCases(srv.base, cadre(), { per_page: '100', page: '100000' })).status, 200);
  });

  test('search: Chinese words of two characters and one, place, number, LIKE wildcards taken literally, scope kept', async () => {
    const s = async (who, text) => {
      const r = await listCases(srv.base, tok[who], { q: text, per_page: 100 });
      assert.equal(r.status, 200, r.text);
      return r;
    };
    // 路灯: a, e (renhe), y (yinxing)
    let r = await s('renhe-cadre', '路灯');
    let got = r.json.items.map((i) => i.number);
    for (const k of ['a', 'e']) assert.ok(got.includes(made[k].number), `路灯 misses ${k}`);
    assert.ok(!got.includes(made.y.number), 'renhe-cadre finds a yinxing case');
    for (const i of r.json.items) assert.ok(i.content.includes('路灯') || i.place.includes('路灯'), `${i.number} does not hold 路灯`);
    r = await s('yinxing-admin', '路灯');
    got = r.json.items.map((i) => i.number);
    assert.ok(got.includes(made.y.number));
    assert.ok(r.json.items.every((i) => i.village === 'yinxing'), 'yinxing-admin finds renhe cases');
    r = await s('leader', '路灯');
    got = r.json.items.map((i) => i.number);
    for (const k of ['a', 'e', 'y']) assert.ok(got.includes(made[k].number), `leader: 路灯 misses ${k}`);
    // one character: 渠 (d), 狗 (b)
    for (const [ch, k] of [['渠', 'd'], ['狗', 'b'], ['媳', 'c']]) {
      r = await s('renhe-cadre', ch);
      got = r.json.items.map((i) => i.number);
      assert.ok(got.includes(made[k].number), `${ch} misses ${k}`);
      for (const i of r.json.items) assert.ok(i.content.includes(ch) || i.place.includes(ch), `${i.number} does not hold ${ch}`);
    }
    // q is one phrase, not a set of words
    r = await listCases(srv.base, cadre(), { q: `疏通 ${mk}` });
    assert.deepEqual(r.json.items.map((i) => i.number), [made.d.number]);
    r = await listCases(srv.base, cadre(), { q: `${mk} 疏通` });
    assert.equal(r.json.total, 0, 'q is one phrase, not words');
    // place
    r = await s('renhe-cadre', '西头');
    assert.ok(r.json.items.some((i) => i.number === made.d.number), 'search misses the place');
    // the number
    r = await s('renhe-cadre', made.b.number);
    assert.deepEqual(r.json.items.map((i) => i.number), [made.b.number]);
    r = await s('renhe-cadre', made.y.number);
    assert.equal(r.json.total, 0, 'a number outside scope is found');
    // LIKE wildcards are literal
    for (const w of ['%', '_', '\\', '%%', '_%_']) {
      r = await s('township', w);
      for (const i of r.json.items) assert.ok(i.content.includes(w) || i.place.includes(w) || i.number === w, `${JSON.stringify(w)} matched ${i.content}`);
    }
    const pct = await newPublicCase(srv.base, { content: `完成率100%_\\ ${mk}` });
    r = await s('renhe-cadre', '100%_\\');
    assert.deepEqual(r.json.items.map((i) => i.number), [pct.number]);
    // nothing found is an empty list, not an error
    r = await s('renhe-cadre', '这句话不会出现在任何事项里');
    assert.equal(r.json.total, 0);
    assert.deepEqual(r.json.items, []);
  });
});

describe('contact details', () => {
  test('GET /contact gives the phone to a handler and is logged as read.appeal.contact; elsewhere the phone is masked', async () => {
    const { number } = await privateCase();
    const g = await getCase(srv.base, cadre(), number);
    assert.equal(g.json.raiser_phone, '138****5678');
    assert.equal(g.json.raiser_name, NAME);
    assert.ok(!g.text.includes(PHONE), 'the full phone is in the case JSON');
    const l = await listCases(srv.base, cadre(), { q: number });
    assert.ok(!l.text.includes(PHONE) && !l.text.includes('138****5678'), 'the phone is in the list');
    const seq = await auditSeq(srv.base);
    const r = await call(srv.base, 'GET', `/api/v1/appeals/${number}/contact`, { auth: cadre() });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { number, name: NAME, phone: PHONE });
    assert.equal(await auditSeq(srv.base), seq + 1);
    const [row] = await auditRows(srv.db, seq);
    assert.equal(row.action, 'read.appeal.contact');
    assert.equal(row.actor, 'user:renhe-cadre');
    assert.equal(row.object, `appeal:${number}`);
    assert.ok(!JSON.stringify(row).includes(PHONE), 'the phone is in the audit trail');
    // the supervisor (personal data) may; the area leader (view only) may not
    assert.equal((await call(srv.base, 'GET', `/api/v1/appeals/${number}/contact`, { auth: tok['renhe-supervisor'] })).status, 200);
    assert.equal(await auditSeq(srv.base), seq + 2);
    assertJsonError(await call(srv.base, 'GET', `/api/v1/appeals/${number}/contact`, { auth: tok.leader }), 403, 'forbidden', 'leader contact');
    assert.equal(await auditSeq(srv.base), seq + 2);
    // short phones are masked entirely
    const short = await newPublicCase(srv.base, { phone: '110' });
    assert.equal((await getCase(srv.base, cadre(), short.number)).json.raiser_phone, '****');
    const none = await newPublicCase(srv.base, {});
    assert.equal((await getCase(srv.base, cadre(), none.number)).json.raiser_phone, '');
  });
});

describe('bad public input stores nothing', () => {
  const good = { village: 'renhe', kind: 'village', content: '正常的事项' };
  const post = (body, headers = { 'Content-Type': 'application/json' }) =>
    call(srv.base, 'POST', '/api/v1/public/appeals', { body, headers });

  const cases = [
    ['empty content', { ...good, content: '' }, 400],
    ['whitespace-only content', { ...good, content: ' \n\t  ' }, 400],
    ['2001-character content', { ...good, content: '事'.repeat(2001) }, 400],
    ['no content', { village: 'renhe', kind: 'village' }, 400],
    ['content not a string', { ...good, content: 42 }, 400],
    ['content null', { ...good, content: null }, 400],
    ['invalid kind', { ...good, kind: 'farm' }, 400],
    ['kind label instead of key', { ...good, kind: '村里事' }, 400],
    ['no kind', { village: 'renhe', content: '事' }, 400],
    ['unknown village', { ...good, village: 'nowhere' }, 400],
    ['a township is not a village', { ...good, village: 'zhanerxiang' }, 400],
    ['a Party branch is not a village', { ...good, village: 'renhe-dzb' }, 400],
    ['no village', { kind: 'village', content: '事' }, 400],
    ['extra unknown field', { ...good, urgent: true }, 400],
    ['channel is not for the public', { ...good, channel: 'visit' }, 400],
    ['phone with letters', { ...good, phone: '138abc45678' }, 400],
    ['phone too long', { ...good, phone: '1'.repeat(21) }, 400],
    ['name too long', { ...good, name: '名'.repeat(51) }, 400],
    ['place too long', { ...good, place: '地'.repeat(201) }, 400],
    ['an array', [good], 400],
  ];
  for (const [what, body, status] of cases) {
    test(`${what} → ${status}`, async () => {
      const c0 = await counts(srv.db);
      const r = await post(JSON.stringify(body));
      assertJsonError(r, status, status === 400 ? 'invalid_input' : 'x', what);
      assert.deepEqual(await counts(srv.db), c0, `${what}: something was stored`);
    });
  }

  test('the messages say what is wrong', async () => {
    const m1 = assertJsonError(await post(JSON.stringify({ ...good, content: '' })), 400, 'invalid_input');
    assert.ok(m1 === 'Say what the matter is.' || m1 === zh('Say what the matter is.'), m1);
    const m2 = assertJsonError(await post(JSON.stringify({ ...good, content: '事'.repeat(2001) })), 400, 'invalid_input');
    const long = 'The matter is longer than 2000 characters; please shorten it.';
    assert.ok(m2 === long || m2 === zh(long), m2);
  });

  test('a 100 KB content string → 400 longer than 2000; a 2 MiB body → 413; nothing stored', async () => {
    const c0 = await counts(srv.db);
    const big = JSON.stringify({ ...good, content: 'a'.repeat(100 * 1024) });
    const m = assertJsonError(await post(big), 400, 'invalid_input', '100 KB');
    const long = 'The matter is longer than 2000 characters; please shorten it.';
    assert.ok(m === long || m === zh(long) || /2000/.test(m), m);
    const huge = JSON.stringify({ ...good, content: '事'.repeat(700 * 1024) }); // about 2 MiB
    assert.ok(Buffer.byteLength(huge) > 2 * 1024 * 1024);
    const r = await post(huge);
    assert.equal(r.status, 413, r.text.slice(0, 200));
    assert.deepEqual(await counts(srv.db), c0);
  });

  test('malformed JSON, invalid UTF-8, an empty body, a form body → 4xx, nothing stored', async () => {
    const c0 = await counts(srv.db);
    assertJsonError(await post('{"village":"renhe","kind":"village","content":"x"'), 400, 'invalid_input', 'truncated');
    assertJsonError(await post("{'village':'renhe'}"), 400, 'invalid_input', 'single quotes');
    assertJsonError(await post('{"village":"renhe","village":"yinxing","kind":"village","content":"x"}'), 400, 'invalid_input', 'duplicate key');
    const invalid = Buffer.concat([Buffer.from('{"village":"renhe","kind":"village","content":"'), Buffer.from([0xe8, 0xb7, 0xff, 0xc0, 0xaf]), Buffer.from('"}')]);
    assertJsonError(await post(invalid), 400, 'invalid_input', 'invalid UTF-8');
    assertJsonError(await post(''), 400, 'invalid_input', 'empty body');
    assertJsonError(await post('village=renhe&kind=village&content=x', { 'Content-Type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type', 'form');
    assertJsonError(await post(JSON.stringify(good), {}), 415, 'unsupported_media_type', 'no content type');
    assert.deepEqual(await counts(srv.db), c0);
  });
});

describe('per-address limit of public submissions (--public-rate 3)', () => {
  let lim;
  before(async () => { lim = await startAppealServer({ rate: 3 }); });
  after(() => stopServer(lim));

  test('refused submissions do not count; the 4th stored one from the same address → 429 with Retry-After; cadres are not limited', async () => {
    const body = (i) => ({ village: 'renhe', kind: 'village', content: `第${i}件事` });
    assert.equal((await submitPublic(lim.base, { ...body(0), content: '' })).status, 400);
    const made = [];
    for (let i = 1; i <= 3; i++) {
      const r = await submitPublic(lim.base, body(i));
      assert.equal(r.status, 201, `submission ${i}: ${r.text}`);
      made.push(r.json);
    }
    const c0 = await counts(lim.db);
    const r = await submitPublic(lim.base, body(4));
    assertJsonError(r, 429, 'rate_limited', '4th');
    const ra = r.headers.get('retry-after');
    assert.ok(ra && /^\d+$/.test(ra) && Number(ra) > 0, `Retry-After: ${ra}`);
    // the form page is limited by the same count
    const page = await call(lim.base, 'POST', '/v/renhe/appeal', { form: { kind: 'village', content: '第五件事' } });
    assert.equal(page.status, 429, page.text.slice(0, 200));
    assert.deepEqual(await counts(lim.db), c0, 'a refused submission was stored');
    // tracking still works, and a cadre's offline entry is not limited
    assert.equal((await track(lim.base, made[0].number, made[0].tracking_code)).status, 200);
    const c = await tokenFor(lim.base, 'renhe-cadre');
    const off = await call(lim.base, 'POST', '/api/v1/appeals', { auth: c, json: { ...body(6), channel: 'room' } });
    assert.equal(off.status, 201, off.text);
  });

  test('wrong number/code pairs are limited too: after 60 misses even the right code gets 429', async () => {
    const c = await tokenFor(lim.base, 'renhe-cadre');
    const off = await call(lim.base, 'POST', '/api/v1/appeals', { auth: c, json: { village: 'renhe', kind: 'village', channel: 'room', content: '查询限制' } });
    assert.equal(off.status, 201, off.text);
    const { number, tracking_code: code } = off.json;
    assert.equal((await track(lim.base, number, code)).status, 200);
    let limitedAt = 0;
    for (let i = 1; i <= 70 && !limitedAt; i++) {
      const r = await track(lim.base, number, 'ZZZZ-ZZZZ');
      if (r.status === 429) limitedAt = i;
      else assert.equal(r.status, 404, r.text);
    }
    assert.equal(limitedAt, 61, `limited after ${limitedAt - 1} misses`);
    const r = await track(lim.base, number, code);
    assertJsonError(r, 429, 'rate_limited', 'right code after the misses');
    assert.ok(Number(r.headers.get('retry-after')) > 0);
  });
});

describe('the per-address limit holds under simultaneous submissions (--public-rate 3, 8 workers)', () => {
  let race;
  before(async () => { race = await startAppealServer({ rate: 3, args: ['--workers', '8'] }); });
  after(() => stopServer(race));

  test('50 submissions at once store at most 3', async () => {
    // all connections open first, then every request written at once: as simultaneous as it gets
    const conns = await Promise.all(Array.from({ length: 50 }, () => rawConnect(race.port)));
    let rs;
    try {
      rs = await Promise.all(conns.map((c, i) => {
        const body = Buffer.from(JSON.stringify({ village: 'renhe', kind: 'village', content: `同时${i}` }));
        const head = `POST /api/v1/public/appeals HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n`
          + `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
        return c.request(Buffer.concat([Buffer.from(head, 'latin1'), body]));
      }));
    } finally {
      for (const c of conns) c.close();
    }
    rs = rs.map((r) => ({ status: r.status, text: r.text() }));
    for (const r of rs) assert.ok(r.status === 201 || r.status === 429, `${r.status} ${r.text}`);
    const ok = rs.filter((r) => r.status === 201).length;
    const stored = Number(await sqlScalar(race.db, "SELECT count(*) FROM appeal WHERE channel = 'online' AND content LIKE '同时%'"));
    assert.equal(stored, ok);
    assert.ok(ok <= 3, `${ok} of 50 simultaneous submissions from one address were stored with --public-rate 3 (check-then-act race in appeal_submit)`);
  });
});
