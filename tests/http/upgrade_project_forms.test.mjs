// upgrade_project_forms.test.mjs — the page forms of renovation projects and funds (issue 6),
// used as a browser without JavaScript would: a center admin adds items (tied to a checklist
// problem, renovate or reuse, the estimated cost in yuan), milestones (and marks them done) and
// moves the status on; a cadre adds before/during/after photos with the phone photo in the form;
// the township records over-budget approvals, creates a fund and sets villages' allocations.
// The rule that a project goes into use only with an "after" photo, through the API and the form.
// Each form: for the right user, the page shows the change; another village's admin gets 404,
// a role without the permission 403; bad input changes nothing and the page says why, keeping
// what was typed; spending past the allocation stays 409 until an approval is recorded.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer } from './lib.mjs';
import { call, login } from './auth_lib.mjs';
import { zh } from './appeal_lib.mjs';
import { api, sampleJpeg, sqlOk, sqlScalar, varied } from './upgrade_lib.mjs';

let srv, jpeg;
const S = {}; // sessions by login
before(async () => {
  srv = await startServer();
  jpeg = await sampleJpeg(srv.base);
  for (const l of ['county', 'township', 'leader', 'renhe-admin', 'renhe-cadre', 'renhe-supervisor', 'yinxing-admin']) S[l] = await login(srv.base, l);
});
after(() => stopServer(srv));

let n = 0;
const uniq = (p) => `${p}${process.pid}-${++n}`;

/** A urlencoded page form with the session's CSRF field. */
const form = (who, path, fields) => call(srv.base, 'POST', path, { auth: S[who], form: { csrf: S[who].csrf, ...fields } });

/** A multipart page form (as a phone sends it), with the CSRF field and an optional photo. */
function multipart(who, path, fields, photo) {
  const fd = new FormData();
  fd.append('csrf', S[who].csrf);
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  if (photo) fd.append('photo', new Blob([photo.bytes], { type: photo.type || 'image/jpeg' }), photo.name || 'p.jpg');
  return call(srv.base, 'POST', path, { auth: S[who], body: fd, csrf: false });
}

const page = (who, path) => call(srv.base, 'GET', path, { auth: S[who] });
const words = (html) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
/** The page's alert says this msgid, in Chinese. */
function says(r, msgid, what = '') {
  assert.ok(r.text.includes(`role="alert">${zh(msgid)}</p>`), `${what}: no alert "${zh(msgid)}" in ${r.status} ${words(r.text).slice(0, 400)}`);
}

/** A fresh fund of zhanerxiang (through the API) with allocations in fen; resolves { id, p: {village: project id} }. */
async function newFund(total, allocations) {
  const r = await api(srv.base, S.township, 'POST', '/api/v1/funds', {
    township: 'zhanerxiang', source: '测试来源', title: uniq('表单测试资金'), total_fen: total,
    allocations: Object.entries(allocations).map(([village, amount_fen]) => ({ village, amount_fen })),
  });
  assert.equal(r.status, 201, r.text);
  const p = {};
  for (const x of r.json.projects) p[x.village] = x.id;
  return { id: r.json.id, p };
}

/** Everything a refused form could have changed. */
async function snapshot(project) {
  const rows = await sqlOk(srv.db, `SELECT (SELECT count(*) FROM audit), (SELECT count(*) FROM reno_fund), (SELECT count(*) FROM reno_project),
    (SELECT count(*) FROM reno_item), (SELECT count(*) FROM reno_milestone), (SELECT count(*) FROM reno_milestone WHERE done_on > 0),
    (SELECT count(*) FROM reno_photo), (SELECT count(*) FROM reno_spend), (SELECT count(*) FROM reno_approval), (SELECT count(*) FROM upload),
    (SELECT COALESCE(sum(allocation_fen), 0) FROM reno_project), (SELECT status FROM reno_project WHERE id = ${Number(project) || 0})`);
  return rows[0];
}

const photo = (tag) => ({ bytes: varied(jpeg, tag) });

describe('items, milestones and the status, by the center admin', () => {
  test('an item tied to a checklist problem, renovate, the cost in yuan; the page shows it', async () => {
    const f = await newFund(10000000, { renhe: 5000000 });
    const p = f.p.renhe;
    const before = await page('renhe-admin', `/projects/${p}`);
    assert.match(before.text, new RegExp(`<form class="form no-print" method="post" action="/projects/${p}/items">`));
    // the center's checklist problems are marked in the list (gaoping: hygiene needs repair, access missing)
    const a0 = Number(await sqlScalar(srv.db, 'SELECT max(seq) FROM audit'));
    let r = await form('renhe-admin', `/projects/${p}/items`, { title: '会议室墙面粉刷', check_item: 'walls', decision: 'renovate', planned: '1,234.50', note: '含腻子' });
    assert.equal(r.status, 303, words(r.text).slice(0, 300));
    assert.equal(r.location, `/projects/${p}#items`);
    assert.deepEqual(await sqlOk(srv.db, `SELECT title, check_item, decision, planned_fen, note FROM reno_item WHERE project_id = ${p}`),
      ['会议室墙面粉刷|walls|renovate|123450|含腻子']);
    r = await form('renhe-admin', `/projects/${p}/items`, { title: '旧书架继续使用', check_item: 'equipment', decision: 'reuse', planned: '' });
    assert.equal(r.status, 303);
    assert.equal(await sqlScalar(srv.db, `SELECT planned_fen FROM reno_item WHERE project_id = ${p} AND decision = 'reuse'`), '0');
    r = await form('renhe-admin', `/projects/${p}/items`, { title: '添置灭火器', decision: 'renovate', planned: '¥980' });
    assert.equal(r.status, 303);
    const view = await page('renhe-admin', `/projects/${p}`);
    for (const t of ['会议室墙面粉刷', '含腻子', '¥1,234.50', zh('Walls inside and outside'), '旧书架继续使用', zh('Reuse as it is'), '¥980.00', '¥2,214.50'])
      assert.ok(view.text.includes(t), `the page lacks ${t}`);
    // one audit entry per item, by the admin, through the same storage function as the API
    const rows = await sqlOk(srv.db, `SELECT actor, action FROM audit WHERE seq > ${a0} ORDER BY seq`);
    assert.deepEqual(rows, ['user:renhe-admin|project.item', 'user:renhe-admin|project.item', 'user:renhe-admin|project.item']);
  });

  test('Chinese text at its limit is stored whole (200-character item, 500-character note, 100-character payee)', async () => {
    const f = await newFund(10000000, { renhe: 5000000 });
    const p = f.p.renhe;
    const title = '墙'.repeat(199) + '𠀀'; // the last one takes 4 bytes
    let r = await form('renhe-admin', `/projects/${p}/items`, { title, decision: 'renovate', note: '注'.repeat(500) });
    assert.equal(r.status, 303, words(r.text).slice(0, 300));
    assert.deepEqual(await sqlOk(srv.db, `SELECT length(title), length(note) FROM reno_item WHERE project_id = ${p}`), ['200|500']);
    assert.equal(await sqlScalar(srv.db, `SELECT title FROM reno_item WHERE project_id = ${p}`), title);
    r = await form('renhe-cadre', `/projects/${p}/spending`, { amount: '1', payee: '店'.repeat(100), note: '用'.repeat(500) });
    assert.equal(r.status, 303, words(r.text).slice(0, 300));
    assert.deepEqual(await sqlOk(srv.db, `SELECT length(payee), length(note) FROM reno_spend WHERE project_id = ${p}`), ['100|500']);
    const view = await page('renhe-admin', `/projects/${p}`);
    assert.ok(view.text.includes(title) && view.text.includes('店'.repeat(100)));
    const api1 = await api(srv.base, S['renhe-admin'], 'POST', `/api/v1/projects/${p}/milestones`, { title: '节'.repeat(200) });
    assert.equal(api1.status, 201, api1.text);
    assert.equal(api1.json.milestones[0].title, '节'.repeat(200));
  });

  test('the checklist select marks the center\'s problems', async () => {
    const f = await newFund(10000000, { gaoping: 100000 });
    const r = await page('township', `/projects/${f.p.gaoping}`);
    assert.ok(r.text.includes(`<option value="access">${zh('Step-free access')} · ${zh('Missing or too few')}</option>`), words(r.text).slice(0, 200));
    assert.ok(r.text.includes(`<option value="walls">${zh('Walls inside and outside')}</option>`));
  });

  test('a milestone added, then marked done; the status moves on only when they are done', async () => {
    const f = await newFund(10000000, { renhe: 100000 });
    const p = f.p.renhe;
    let r = await form('renhe-admin', `/projects/${p}/milestones`, { title: '竣工验收', due_on: '2031-06-30' });
    assert.equal(r.status, 303, words(r.text).slice(0, 300));
    assert.equal(r.location, `/projects/${p}#milestones`);
    const [mid, due, done] = (await sqlOk(srv.db, `SELECT id, due_on, done_on FROM reno_milestone WHERE project_id = ${p}`))[0].split('|');
    assert.ok(Number(due) > 1900000000);
    assert.equal(done, '0');
    let view = await page('renhe-admin', `/projects/${p}`);
    assert.ok(view.text.includes('竣工验收') && view.text.includes('2031-06-30'));
    assert.match(view.text, new RegExp(`<form class="inline" method="post" action="/projects/${p}/milestones/${mid}">`));
    // under way, then completed is refused while the milestone is open
    r = await form('renhe-admin', `/projects/${p}/status`, { status: 'in_progress' });
    assert.equal(r.status, 303);
    assert.equal(await sqlScalar(srv.db, `SELECT status FROM reno_project WHERE id = ${p}`), 'in_progress');
    view = await page('renhe-admin', `/projects/${p}`);
    assert.ok(view.text.includes(zh('Every milestone must be done before the project is completed.')), 'no hint why it cannot be completed');
    const snap = await snapshot(p);
    r = await form('renhe-admin', `/projects/${p}/status`, { status: 'completed' });
    assert.equal(r.status, 409);
    says(r, 'Every milestone must be done before the project is completed.', 'completed with an open milestone');
    assert.deepEqual(await snapshot(p), snap);
    // mark it done
    r = await form('renhe-admin', `/projects/${p}/milestones/${mid}`, { done: '1' });
    assert.equal(r.status, 303);
    assert.ok(Number(await sqlScalar(srv.db, `SELECT done_on FROM reno_milestone WHERE id = ${mid}`)) > 1700000000);
    view = await page('renhe-admin', `/projects/${p}`);
    assert.match(view.text, /<li class="done">✔ 竣工验收/);
    assert.ok(!view.text.includes(`action="/projects/${p}/milestones/${mid}"`), 'a done milestone still has its button');
    assert.ok(view.text.includes(zh('Mark as completed')));
    r = await form('renhe-admin', `/projects/${p}/status`, { status: 'completed' });
    assert.equal(r.status, 303);
    assert.equal(await sqlScalar(srv.db, `SELECT status FROM reno_project WHERE id = ${p}`), 'completed');
    // a milestone of another project, or none at all: 404
    const other = await newFund(10000000, { renhe: 100 });
    assert.equal((await form('renhe-admin', `/projects/${other.p.renhe}/milestones/${mid}`, { done: '1' })).status, 404);
    assert.equal((await form('renhe-admin', `/projects/${p}/milestones/99999999`, { done: '1' })).status, 404);
    assert.equal((await form('renhe-admin', `/projects/${p}/milestones/abc`, { done: '1' })).status, 404);
  });
});

describe('in use only with an "after" photo', () => {
  test('API: completed -> in use is 409 with no photo and with before/during photos only; one after photo lets it', async () => {
    const f = await newFund(10000000, { shimen: 100000 });
    const p = f.p.shimen;
    for (const st of ['in_progress', 'completed']) assert.equal((await api(srv.base, S.township, 'POST', `/api/v1/projects/${p}/status`, { status: st })).status, 200);
    const refused = await api(srv.base, S.township, 'POST', `/api/v1/projects/${p}/status`, { status: 'in_use' });
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.json.error.code, 'conflict');
    assert.match(refused.json.error.message, /at least one photo taken after the renovation/);
    // before and during photos do not count
    for (const phase of ['before', 'during']) {
      const up = await call(srv.base, 'POST', '/api/v1/uploads', { auth: S.township, body: (() => { const fd = new FormData(); fd.append('village', 'shimen'); fd.append('file', new Blob([varied(jpeg, phase)], { type: 'image/jpeg' }), 'a.jpg'); return fd; })() });
      assert.equal(up.status, 201, up.text);
      assert.equal((await api(srv.base, S.township, 'POST', `/api/v1/projects/${p}/photos`, { sha256: up.json.sha256, phase, spot: '大门' })).status, 201);
    }
    assert.equal((await api(srv.base, S.township, 'POST', `/api/v1/projects/${p}/status`, { status: 'in_use' })).status, 409);
    assert.equal(await sqlScalar(srv.db, `SELECT status FROM reno_project WHERE id = ${p}`), 'completed');
    // exactly one after photo
    const up = await call(srv.base, 'POST', '/api/v1/uploads', { auth: S.township, body: (() => { const fd = new FormData(); fd.append('file', new Blob([varied(jpeg, 'after')], { type: 'image/jpeg' }), 'a.jpg'); return fd; })() });
    assert.equal((await api(srv.base, S.township, 'POST', `/api/v1/projects/${p}/photos`, { sha256: up.json.sha256, phase: 'after', spot: '大门' })).status, 201);
    const ok = await api(srv.base, S.township, 'POST', `/api/v1/projects/${p}/status`, { status: 'in_use' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.status, 'in_use');
  });

  test('page: the form refuses in use without an after photo (409, says why); a cadre adds one from the phone; then it goes into use', async () => {
    const f = await newFund(10000000, { renhe: 100000 });
    const p = f.p.renhe;
    for (const st of ['in_progress', 'completed']) assert.equal((await form('renhe-admin', `/projects/${p}/status`, { status: st })).status, 303);
    let view = await page('renhe-admin', `/projects/${p}`);
    assert.ok(view.text.includes(zh('A project goes into use only with at least one photo taken after the renovation.')));
    assert.ok(!view.text.includes(`<button type="submit">${zh('Put into use')}</button>`), 'the button is offered though the rule refuses it');
    const snap = await snapshot(p);
    let r = await form('renhe-admin', `/projects/${p}/status`, { status: 'in_use' });
    assert.equal(r.status, 409);
    says(r, 'A project goes into use only with at least one photo taken after the renovation.', 'in use without a photo');
    assert.deepEqual(await snapshot(p), snap);
    // a before photo and a during photo of the same spot: still refused
    for (const phase of ['before', 'during']) {
      r = await multipart('renhe-cadre', `/projects/${p}/photos`, { phase, spot: '党员活动室' }, photo(`page-${phase}`));
      assert.equal(r.status, 303, words(r.text).slice(0, 300));
      assert.equal(r.location, `/projects/${p}#photos`);
    }
    r = await form('renhe-admin', `/projects/${p}/status`, { status: 'in_use' });
    assert.equal(r.status, 409);
    // the after photo, with a caption, tied to an item
    const item = await api(srv.base, S['renhe-admin'], 'POST', `/api/v1/projects/${p}/items`, { title: '活动室改造', decision: 'renovate' });
    const itemId = item.json.items[0].id;
    r = await multipart('renhe-cadre', `/projects/${p}/photos`, { phase: 'after', spot: '党员活动室', caption: '改造后', item_id: String(itemId) }, photo('page-after'));
    assert.equal(r.status, 303, words(r.text).slice(0, 300));
    const rows = await sqlOk(srv.db, `SELECT phase, spot, caption, COALESCE(item_id, 0) FROM reno_photo WHERE project_id = ${p} ORDER BY id`);
    assert.deepEqual(rows, ['before|党员活动室||0', 'during|党员活动室||0', `after|党员活动室|改造后|${itemId}`]);
    // the page pairs them side by side
    view = await page('renhe-admin', `/projects/${p}`);
    const pair = view.text.slice(view.text.indexOf('<section class="pair"><h3>党员活动室</h3>'));
    assert.ok(pair.length > 0 && view.text.includes('<section class="pair"><h3>党员活动室</h3>'), 'no pair for the spot');
    for (const ph of ['before', 'during', 'after']) assert.match(pair, new RegExp(`<figure class="ph-${ph}"><figcaption>[^<]+</figcaption><a href="/uploads/[0-9a-f]{64}"><img`));
    assert.ok(view.text.includes(`<button type="submit">${zh('Put into use')}</button>`));
    r = await form('renhe-admin', `/projects/${p}/status`, { status: 'in_use' });
    assert.equal(r.status, 303);
    assert.equal(await sqlScalar(srv.db, `SELECT status FROM reno_project WHERE id = ${p}`), 'in_use');
    view = await page('renhe-admin', `/projects/${p}`);
    assert.match(view.text, /<ol class="steps">.*<li class="current">已投入使用<\/li>/s);
    for (const a of ['status', 'spending', 'items', 'milestones']) assert.ok(!view.text.includes(`action="/projects/${p}/${a}"`), `a ${a} form on a project in use`);
    assert.ok(view.text.includes(`action="/projects/${p}/photos"`), 'photos may still be added');
    // no more steps
    r = await form('renhe-admin', `/projects/${p}/status`, { status: 'in_use' });
    assert.equal(r.status, 409);
    says(r, 'A project moves only forward, one step at a time: planned, under way, completed, in use.');
  });
});

describe('photos from the phone', () => {
  test('a script named .jpg, no file, an unknown phase, an item of another project: 400 with the reason, nothing stored', async () => {
    const f = await newFund(10000000, { renhe: 100000, yinxing: 100000 });
    const p = f.p.renhe;
    const other = await api(srv.base, S.township, 'POST', `/api/v1/projects/${f.p.yinxing}/items`, { title: '别村的', decision: 'reuse' });
    const otherItem = other.json.items[0].id;
    const snap = await snapshot(p);
    const cases = [
      [{ phase: 'after', spot: '大门' }, { bytes: Buffer.from('#!/bin/sh\nrm -rf /\n'), name: 'door.jpg' }, 'The file is not a photo (JPEG, PNG or WebP).'],
      [{ phase: 'after', spot: '大门' }, null, 'Choose a photo (JPEG, PNG or WebP).'],
      [{ phase: 'sideways', spot: '大门' }, photo('bad-phase'), 'Choose before, during or after.'],
      [{ spot: '大门' }, photo('no-phase'), 'Choose before, during or after.'],
      [{ phase: 'after', item_id: String(otherItem) }, photo('other-item'), 'Unknown item.'],
      [{ phase: 'after', item_id: 'x1' }, photo('bad-item'), 'Unknown item.'],
      [{ phase: 'after', spot: '门'.repeat(101) }, photo('long-spot'), 'The spot is too long (at most 100 characters).'],
      [{ phase: 'after', caption: '字'.repeat(201) }, photo('long-caption'), 'The caption is too long (at most 200 characters).'],
    ];
    for (const [fields, ph, msg] of cases) {
      const r = await multipart('renhe-cadre', `/projects/${p}/photos`, fields, ph);
      assert.equal(r.status, 400, `${JSON.stringify(fields)}: ${r.status}`);
      says(r, msg, JSON.stringify(fields));
      // the form is open again with what was typed
      assert.match(r.text, /<details class="no-print" open><summary>[^<]+<\/summary><form class="form no-print" method="post" action="\/projects\/\d+\/photos"/);
    }
    assert.deepEqual(await snapshot(p), snap);
  });
});

describe('over-budget approvals and spending', () => {
  test('spending past the allocation is 409 until the township records an approval on the page; who and why are kept', async () => {
    const f = await newFund(10000000, { renhe: 100000 });
    const p = f.p.renhe;
    let r = await form('renhe-cadre', `/projects/${p}/spending`, { amount: '1000', payee: '五金店' });
    assert.equal(r.status, 303);
    r = await form('renhe-cadre', `/projects/${p}/spending`, { amount: '0.01' });
    assert.equal(r.status, 409);
    says(r, 'This spending goes beyond the allocation; an over-budget approval must be recorded first.');
    // the approval form: only for those who may approve
    assert.ok(!(await page('renhe-admin', `/projects/${p}`)).text.includes(`action="/projects/${p}/approvals"`));
    assert.ok(!(await page('renhe-cadre', `/projects/${p}`)).text.includes(`action="/projects/${p}/approvals"`));
    const tv = await page('township', `/projects/${p}`);
    assert.match(tv.text, new RegExp(`<form class="form no-print" method="post" action="/projects/${p}/approvals">`));
    assert.ok(words(tv.text).includes(`${zh('Approved by')} township`), 'the form does not say who approves');
    assert.equal((await form('renhe-admin', `/projects/${p}/approvals`, { amount: '500', reason: '自己批' })).status, 403);
    // bad approvals change nothing
    const snap = await snapshot(p);
    for (const [fields, msg] of [
      [{ amount: '500', reason: '' }, 'Say why the overrun is approved (at most 500 characters).'],
      [{ amount: '500', reason: '   ' }, 'Say why the overrun is approved (at most 500 characters).'],
      [{ amount: '500', reason: '理'.repeat(501) }, 'Say why the overrun is approved (at most 500 characters).'],
      [{ amount: '-500', reason: '负数' }, 'The amount must be more than zero.'],
      [{ amount: '0', reason: '零' }, 'The amount must be more than zero.'],
      [{ amount: '99999999999', reason: '离谱' }, 'The amount is too large.'],
      [{ amount: '五百', reason: '汉字' }, 'Write the amount in yuan, like 1200 or 1,200.50.'],
      [{ amount: '5.001', reason: '三位小数' }, 'Write the amount in yuan, like 1200 or 1,200.50.'],
      [{ reason: '没写金额' }, 'Write the amount in yuan, like 1200 or 1,200.50.'],
    ]) {
      r = await form('township', `/projects/${p}/approvals`, fields);
      assert.equal(r.status, 400, JSON.stringify(fields));
      says(r, msg, JSON.stringify(fields));
    }
    r = await form('township', `/projects/${p}/approvals`, { amount: '¥-5', reason: '负数' });
    assert.equal(r.status, 400);
    assert.ok(r.text.includes('value="¥-5"'), 'the amount typed is not kept');
    assert.ok(r.text.includes('>负数</textarea>'), 'the reason typed is not kept');
    assert.deepEqual(await snapshot(p), snap);
    // the approval, by the logged-in user
    r = await form('township', `/projects/${p}/approvals`, { amount: '500', reason: '地面返潮，需加做防潮层' });
    assert.equal(r.status, 303, words(r.text).slice(0, 300));
    assert.equal(r.location, `/projects/${p}#approvals`);
    assert.deepEqual(await sqlOk(srv.db, `SELECT a.amount_fen, a.reason, u.login FROM reno_approval a JOIN users u ON u.id = a.approved_by WHERE a.project_id = ${p}`),
      ['50000|地面返潮，需加做防潮层|township']);
    assert.equal(await sqlScalar(srv.db, `SELECT actor FROM audit WHERE action = 'project.approval' ORDER BY seq DESC LIMIT 1`), 'user:township');
    const view = await page('renhe-cadre', `/projects/${p}`);
    for (const t of [zh('Over-budget approvals'), '地面返潮，需加做防潮层', '¥500.00']) assert.ok(view.text.includes(t), `the page lacks ${t}`);
    // exactly the approved overrun may now be spent, flagged; one fen more is 409 again
    r = await form('renhe-cadre', `/projects/${p}/spending`, { amount: '500.00', payee: '防潮' });
    assert.equal(r.status, 303);
    assert.equal(await sqlScalar(srv.db, `SELECT over_allocation FROM reno_spend WHERE project_id = ${p} ORDER BY id DESC LIMIT 1`), '1');
    r = await form('renhe-cadre', `/projects/${p}/spending`, { amount: '0.01' });
    assert.equal(r.status, 409);
    says(r, 'This spending goes beyond the allocation and the approved overrun; record another over-budget approval first.');
  });

  test('spending: a receipt that is not a photo stores nothing, not even the spending it came with', async () => {
    const f = await newFund(10000000, { renhe: 100000 });
    const p = f.p.renhe;
    const snap = await snapshot(p);
    const r = await multipart('renhe-cadre', `/projects/${p}/spending`, { amount: '10' }, { bytes: Buffer.from('<?php system($_GET[1]);'), name: 'r.jpg' });
    assert.equal(r.status, 400);
    says(r, 'The file is not a photo (JPEG, PNG or WebP).');
    assert.ok(r.text.includes('value="10"'));
    // a 409 is said before the receipt is stored
    const over = await multipart('renhe-cadre', `/projects/${p}/spending`, { amount: '2000' }, photo('over'));
    assert.equal(over.status, 409);
    assert.deepEqual(await snapshot(p), snap);
  });
});

describe('funds and allocations, by the township', () => {
  test('a new fund from its page, then villages\' allocations set and changed on the fund page', async () => {
    assert.ok((await page('township', '/gai')).text.includes('<a href="/t/zhanerxiang/funds">'), 'the 改 page links to the funds');
    const list = await page('township', '/t/zhanerxiang/funds');
    assert.equal(list.status, 200);
    assert.ok(list.text.includes('村级党群服务中心提档升级资金'), 'the demo fund is not listed');
    assert.match(list.text, /<form class="form no-print" method="post" action="\/t\/zhanerxiang\/funds">/);
    const title = uniq('2025年阵地提升资金');
    let r = await form('township', '/t/zhanerxiang/funds', { source: '县委组织部', title, total: '¥10,000' });
    assert.equal(r.status, 303, words(r.text).slice(0, 300));
    const id = Number(/^\/funds\/(\d+)$/.exec(r.location)[1]);
    assert.deepEqual(await sqlOk(srv.db, `SELECT source, title, total_fen FROM reno_fund WHERE id = ${id}`), [`县委组织部|${title}|1000000`]);
    assert.ok((await page('township', '/t/zhanerxiang/funds')).text.includes(title));
    // the fund page: the allocation form lists the township's villages
    const fp = await page('township', `/funds/${id}`);
    assert.match(fp.text, new RegExp(`<form class="form no-print" id="allocate" method="post" action="/funds/${id}/allocations">`));
    assert.ok(fp.text.includes('<option value="renhe">任河村</option>'));
    assert.ok(fp.text.includes('<a href="/t/zhanerxiang/funds">'), 'no way back to the funds');
    r = await form('township', `/funds/${id}/allocations`, { village: 'renhe', amount: '6000' });
    assert.equal(r.status, 303, words(r.text).slice(0, 300));
    assert.equal(r.location, `/funds/${id}#projects`);
    const pid = Number(await sqlScalar(srv.db, `SELECT p.id FROM reno_project p JOIN org o ON o.id = p.org_id WHERE p.fund_id = ${id} AND o.code = 'renhe'`));
    assert.equal(await sqlScalar(srv.db, `SELECT allocation_fen FROM reno_project WHERE id = ${pid}`), '600000');
    // changed: the same project, the new amount, a new title
    r = await form('township', `/funds/${id}/allocations`, { village: 'renhe', amount: '7,000.00', title: '任河村阵地二期' });
    assert.equal(r.status, 303);
    assert.deepEqual(await sqlOk(srv.db, `SELECT id, allocation_fen, title FROM reno_project WHERE fund_id = ${id}`), [`${pid}|700000|任河村阵地二期`]);
    let view = await page('township', `/funds/${id}`);
    for (const t of ['任河村', '¥7,000.00', '<option value="renhe">任河村 (¥7,000.00)</option>']) assert.ok(view.text.includes(t), `the fund page lacks ${t}`);
    // beyond the fund's total: 409, says why, nothing changes; exactly the rest is fine
    const snap = await snapshot(pid);
    r = await form('township', `/funds/${id}/allocations`, { village: 'yinxing', amount: '3000.01' });
    assert.equal(r.status, 409);
    says(r, "The allocations would exceed the fund's total.");
    assert.ok(r.text.includes('<option value="yinxing" selected>'), 'the village chosen is not kept');
    assert.ok(r.text.includes('value="3000.01"'));
    assert.deepEqual(await snapshot(pid), snap);
    r = await form('township', `/funds/${id}/allocations`, { village: 'yinxing', amount: '3000' });
    assert.equal(r.status, 303);
    view = await page('township', `/funds/${id}`);
    assert.ok(words(view.text).includes(`${zh('Not allocated')} ¥0.00`));
    // lowering below what was spent is refused
    assert.equal((await form('renhe-cadre', `/projects/${pid}/spending`, { amount: '6500' })).status, 303);
    r = await form('township', `/funds/${id}/allocations`, { village: 'renhe', amount: '6499.99' });
    assert.equal(r.status, 409);
    says(r, 'The allocation would be less than what the project has spent.');
  });

  test('bad fund and allocation input: 400 with the reason and the input kept; nothing changes', async () => {
    const f = await newFund(1000000, { renhe: 100000 });
    const snap = await snapshot(f.p.renhe);
    for (const [fields, msg] of [
      [{ source: '', title: 'x', total: '100' }, "Name the fund's source (at most 100 characters)."],
      [{ source: '源'.repeat(101), title: 'x', total: '100' }, "Name the fund's source (at most 100 characters)."],
      [{ source: '县', title: '', total: '100' }, 'Give the fund a title (at most 200 characters).'],
      [{ source: '县', title: 't'.repeat(201), total: '100' }, 'Give the fund a title (at most 200 characters).'],
      [{ source: '县', title: '零', total: '0' }, "The fund's total must be more than zero."],
      [{ source: '县', title: '负', total: '-100' }, 'The amount must be more than zero.'],
      [{ source: '县', title: '大', total: '1,000,000,000.01' }, 'The amount is too large.'],
      [{ source: '县', title: '大', total: '12345678901234567890' }, 'The amount is too large.'],
      [{ source: '县', title: '错', total: '1e5' }, 'Write the amount in yuan, like 1200 or 1,200.50.'],
      [{ source: '县', title: '错', total: '' }, 'Write the amount in yuan, like 1200 or 1,200.50.'],
    ]) {
      const r = await form('township', '/t/zhanerxiang/funds', fields);
      assert.equal(r.status, 400, JSON.stringify(fields));
      says(r, msg, JSON.stringify(fields));
      if (fields.title.length < 50) assert.ok(r.text.includes(`value="${fields.title}"`), 'the title typed is not kept');
    }
    for (const [fields, msg] of [
      [{ village: '', amount: '100' }, 'Choose a village of this township.'],
      [{ village: 'zhanerxiang', amount: '100' }, 'Choose a village of this township.'],
      [{ village: 'renhe-dzb', amount: '100' }, 'Choose a village of this township.'],
      [{ village: 'nosuch', amount: '100' }, 'Choose a village of this township.'],
      [{ village: 'renhe', amount: '0' }, 'The allocation must be more than zero.'],
      [{ village: 'renhe', amount: '-1' }, 'The amount must be more than zero.'],
      [{ village: 'renhe', amount: '一百' }, 'Write the amount in yuan, like 1200 or 1,200.50.'],
      [{ village: 'renhe', amount: '100', title: '题'.repeat(201) }, 'The title is too long (at most 200 characters).'],
    ]) {
      const r = await form('township', `/funds/${f.id}/allocations`, fields);
      assert.equal(r.status, 400, JSON.stringify(fields));
      says(r, msg, JSON.stringify(fields));
    }
    assert.deepEqual(await snapshot(f.p.renhe), snap);
  });

  test('who may: the county and township; a center admin neither sees the fund pages nor may post (404 / 403)', async () => {
    const f = await newFund(1000000, { renhe: 100000 });
    assert.equal((await page('county', '/t/zhanerxiang/funds')).status, 200);
    assert.equal((await page('renhe-admin', '/t/zhanerxiang/funds')).status, 404);
    assert.equal((await page('leader', '/t/zhanerxiang/funds')).status, 404);
    assert.equal((await page('township', '/t/nosuch/funds')).status, 404);
    assert.equal((await page('township', '/t/renhe/funds')).status, 404, 'a village is not a township');
    const snap = await snapshot(f.p.renhe);
    assert.equal((await form('renhe-admin', '/t/zhanerxiang/funds', { source: 'x', title: 'x', total: '1' })).status, 403);
    assert.equal((await form('renhe-admin', `/funds/${f.id}/allocations`, { village: 'renhe', amount: '1' })).status, 403);
    assert.equal((await form('renhe-cadre', `/funds/${f.id}/allocations`, { village: 'renhe', amount: '1' })).status, 403);
    assert.equal((await call(srv.base, 'POST', `/funds/${f.id}/allocations`, { form: { village: 'renhe', amount: '1' } })).status, 401);
    assert.deepEqual(await snapshot(f.p.renhe), snap);
  });
});

describe('scope, roles and bad input on the project forms', () => {
  test('another village\'s admin: 404 on every form of renhe\'s project, nothing changes', async () => {
    const f = await newFund(10000000, { renhe: 100000 });
    const p = f.p.renhe;
    const m = await api(srv.base, S.township, 'POST', `/api/v1/projects/${p}/milestones`, { title: '节点' });
    const mid = m.json.milestones[0].id;
    const snap = await snapshot(p);
    assert.equal((await page('yinxing-admin', `/projects/${p}`)).status, 404);
    for (const [path, fields] of [
      [`/projects/${p}/items`, { title: 'x', decision: 'reuse' }],
      [`/projects/${p}/milestones`, { title: 'x' }],
      [`/projects/${p}/milestones/${mid}`, { done: '1' }],
      [`/projects/${p}/status`, { status: 'in_progress' }],
      [`/projects/${p}/spending`, { amount: '1' }],
    ]) assert.equal((await form('yinxing-admin', path, fields)).status, 404, path);
    assert.equal((await multipart('yinxing-admin', `/projects/${p}/photos`, { phase: 'after' }, photo('scope'))).status, 404);
    assert.deepEqual(await snapshot(p), snap);
  });

  test('roles without the permission: 403; the page shows each user only the forms they may use', async () => {
    const f = await newFund(10000000, { renhe: 100000 });
    const p = f.p.renhe;
    const snap = await snapshot(p);
    // a cadre records (spending, photos) but edits nothing
    for (const [path, fields] of [[`/projects/${p}/items`, { title: 'x', decision: 'reuse' }], [`/projects/${p}/milestones`, { title: 'x' }],
      [`/projects/${p}/status`, { status: 'in_progress' }], [`/projects/${p}/approvals`, { amount: '1', reason: 'x' }]])
      assert.equal((await form('renhe-cadre', path, fields)).status, 403, path);
    // the supervisor and the area leader only read
    assert.equal((await multipart('renhe-supervisor', `/projects/${p}/photos`, { phase: 'after' }, photo('sup'))).status, 403);
    assert.equal((await form('leader', `/projects/${p}/status`, { status: 'in_progress' })).status, 403);
    assert.deepEqual(await snapshot(p), snap);
    const forms = async (who) => [...(await page(who, `/projects/${p}`)).text.matchAll(new RegExp(`action="/projects/${p}/([a-z]+)`, 'g'))].map((x) => x[1]).sort();
    assert.deepEqual(await forms('renhe-supervisor'), []);
    assert.deepEqual(await forms('leader'), []);
    assert.deepEqual(await forms('renhe-cadre'), ['photos', 'spending']);
    assert.deepEqual(await forms('renhe-admin'), ['items', 'milestones', 'photos', 'spending', 'status']);
    assert.deepEqual(await forms('township'), ['approvals', 'items', 'milestones', 'photos', 'spending', 'status']);
  });

  test('empty, huge, malformed, negative, absurd, wrong types, unknown status: 400 with the reason, input kept, nothing changes', async () => {
    const f = await newFund(10000000, { renhe: 100000 });
    const p = f.p.renhe;
    const snap = await snapshot(p);
    const cases = [
      [`/projects/${p}/items`, { title: '', decision: 'reuse' }, 'Name the item (at most 200 characters).'],
      [`/projects/${p}/items`, { title: '  ', decision: 'reuse' }, 'Name the item (at most 200 characters).'],
      [`/projects/${p}/items`, { title: '墙'.repeat(201), decision: 'reuse' }, 'Name the item (at most 200 characters).'],
      [`/projects/${p}/items`, { title: '换窗', decision: 'paint' }, 'Choose renovate or reuse.'],
      [`/projects/${p}/items`, { title: '换窗' }, 'Choose renovate or reuse.'],
      [`/projects/${p}/items`, { title: '换窗', decision: 'renovate', check_item: 'roof' }, 'Unknown checklist item.'],
      [`/projects/${p}/items`, { title: '换窗', decision: 'renovate', planned: '-100' }, 'The estimated cost cannot be negative.'],
      [`/projects/${p}/items`, { title: '换窗', decision: 'renovate', planned: '10000000000' }, 'The amount is too large.'],
      [`/projects/${p}/items`, { title: '换窗', decision: 'renovate', planned: 'abc' }, 'Write the amount in yuan, like 1200 or 1,200.50.'],
      [`/projects/${p}/items`, { title: '换窗', decision: 'renovate', note: '注'.repeat(501) }, 'The note is too long (at most 500 characters).'],
      [`/projects/${p}/milestones`, { title: '' }, 'Name the milestone (at most 200 characters).'],
      [`/projects/${p}/milestones`, { title: '验收', due_on: 'next week' }, 'Write the date as 2024-03-05.'],
      [`/projects/${p}/milestones`, { title: '验收', due_on: '2024-13-45' }, 'Write the date as 2024-03-05.'],
      [`/projects/${p}/status`, { status: 'finished' }, 'Unknown status.'],
      [`/projects/${p}/status`, {}, 'Unknown status.'],
      [`/projects/${p}/spending`, { amount: '' }, 'Write the amount in yuan, like 1200 or 1,200.50.'],
      [`/projects/${p}/spending`, { amount: '12', item_id: 'abc' }, 'Unknown item.'],
      [`/projects/${p}/spending`, { amount: '12', item_id: '999999999' }, 'Unknown item.'],
      [`/projects/${p}/spending`, { amount: '12', spent_on: '05/03/2024' }, 'Write the date as 2024-03-05.'],
      [`/projects/${p}/spending`, { amount: '12', payee: '店'.repeat(101) }, 'The payee is too long (at most 100 characters).'],
    ];
    for (const [path, fields, msg] of cases) {
      const r = await form('renhe-admin', path, fields);
      assert.equal(r.status, 400, `${path} ${JSON.stringify(fields)}: ${r.status}`);
      says(r, msg, `${path} ${JSON.stringify(fields)}`);
    }
    // what was typed is kept, in the form that failed only
    const r = await form('renhe-admin', `/projects/${p}/items`, { title: '换<窗>', decision: 'renovate', planned: '-100', note: '"引号"' });
    assert.ok(r.text.includes('value="换&lt;窗&gt;"'), 'the title is not kept (escaped)');
    assert.ok(r.text.includes('value="-100"') && r.text.includes('value="&quot;引号&quot;"'));
    assert.match(r.text, /<input type="radio" name="decision" value="renovate" required checked>/);
    assert.match(r.text, /<details class="no-print" open><summary>[^<]+<\/summary><form class="form no-print" method="post" action="\/projects\/\d+\/items">/);
    assert.ok(!r.text.includes('name="title" required maxlength="200" placeholder="' + zh('e.g. acceptance check') + '" value="换'), 'the milestone form took the item\'s title');
    // malformed UTF-8: the form cannot be read (the CSRF token then comes in its header)
    const bad = await call(srv.base, 'POST', `/projects/${p}/items`, {
      auth: S['renhe-admin'], csrf: S['renhe-admin'].csrf, body: 'title=%FF%FE&decision=reuse', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(bad.status, 400);
    says(bad, 'The form could not be read: it holds invalid characters or too many fields.');
    const badMp = await call(srv.base, 'POST', `/projects/${p}/photos`, {
      auth: S['renhe-admin'], csrf: S['renhe-admin'].csrf, headers: { 'Content-Type': 'multipart/form-data; boundary=XX' },
      body: Buffer.concat([Buffer.from('--XX\r\nContent-Disposition: form-data; name="spot"\r\n\r\n'), Buffer.from([0xc3, 0x28]), Buffer.from('\r\n--XX--\r\n')]),
    });
    assert.equal(badMp.status, 400);
    says(badMp, 'The form could not be read: it holds invalid characters or too many fields.');
    // huge: past the 1 MiB limit of these forms
    const huge = await form('renhe-admin', `/projects/${p}/milestones`, { title: '长'.repeat(400000) });
    assert.equal(huge.status, 413);
    // a JSON body where a form belongs
    const json = await call(srv.base, 'POST', `/projects/${p}/items`, { auth: S['renhe-admin'], json: { title: 'x', decision: 'reuse' } });
    assert.equal(json.status, 415);
    assert.deepEqual(await snapshot(p), snap);
  });

  test('status: a skipped step is 409 and says why; the API and the page give the same answer', async () => {
    const f = await newFund(10000000, { renhe: 100000 });
    const p = f.p.renhe;
    const r = await form('renhe-admin', `/projects/${p}/status`, { status: 'completed' });
    assert.equal(r.status, 409);
    says(r, 'A project moves only forward, one step at a time: planned, under way, completed, in use.');
    const a = await api(srv.base, S['renhe-admin'], 'POST', `/api/v1/projects/${p}/status`, { status: 'completed' });
    assert.equal(a.status, 409);
    assert.match(a.json.error.message, /^A project moves only forward/);
    assert.equal(await sqlScalar(srv.db, `SELECT status FROM reno_project WHERE id = ${p}`), 'planned');
  });
});
