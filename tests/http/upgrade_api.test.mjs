// upgrade_api.test.mjs — 改 on a demo server: the four renovated villages' centers and
// function areas, center edits (validation, audit), the ¥98,000 fund, the money rules at
// their edges over HTTP (exactly the allocation, one fen over → 409, an over-budget approval
// with who and why, zero/negative/overflow), the status machine, items/milestones/photo
// pairs, XLSX, plaques and the township campaign, scope (a center admin cannot touch another
// village's project), and the pages (center, project printable, campaign, forms).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer } from './lib.mjs';
import { assertJsonError, auditRows, call, demoTokens, login, sqlOk, sqlScalar } from './auth_lib.mjs';
import { zh } from './appeal_lib.mjs';
import { api, demoFundId, plaqueId, projectOf, sampleJpeg, upload, varied } from './upgrade_lib.mjs';

let srv;
let tok;
const auditSeq = async () => Number(await sqlScalar(srv.db, 'SELECT COALESCE(max(seq), 0) FROM audit'));

before(async () => {
  srv = await startServer();
  tok = await demoTokens(srv.base);
});
after(() => stopServer(srv));

const as = (l) => tok[l];
let n = 0;
const uniq = (p = 'u') => `${p}${process.pid}-${++n}`;

/** A fresh fund of zhanerxiang with the given allocations (fen); resolves { id, projects: {village: id} }. */
async function newFund(total, allocations = {}) {
  const r = await api(srv.base, as('township'), 'POST', '/api/v1/funds', {
    township: 'zhanerxiang', source: '测试来源', title: uniq('测试资金'), total_fen: total,
    allocations: Object.entries(allocations).map(([village, amount_fen]) => ({ village, amount_fen })),
  });
  assert.equal(r.status, 201, r.text);
  const projects = {};
  for (const p of r.json.projects) projects[p.village] = p.id;
  return { id: r.json.id, projects, json: r.json };
}

const spend = (who, project, body) => api(srv.base, as(who), 'POST', `/api/v1/projects/${project}/spending`, body);

describe('centers of the four renovated villages', () => {
  const AREAS = {
    renhe: ['party_room', 'service_hall', 'civilization', 'library', 'talk'],
    yinxing: ['party_room', 'service_hall', 'civilization', 'library', 'talk'],
    dashan: ['party_room', 'service_hall', 'civilization', 'library', 'talk'],
    gaoping: ['party_room', 'service_hall', 'civilization', 'library', 'talk'],
  };

  test('GET /api/v1/villages/{code}/center returns the center with its function areas (all five named rooms), public', async () => {
    for (const [code, fns] of Object.entries(AREAS)) {
      const r = await call(srv.base, 'GET', `/api/v1/villages/${code}/center`);
      assert.equal(r.status, 200, r.text);
      assert.match(r.json.name, /党群服务中心$/);
      assert.ok(r.json.function_areas.length >= 4, `${code}: ${r.text}`);
      const all = new Set(r.json.function_areas.flatMap((a) => a.functions));
      for (const f of fns) assert.ok(all.has(f), `${code} lacks ${f}`);
      assert.deepEqual(r.json.missing_functions, []);
      assert.ok(r.json.opening_hours.length > 0);
      assert.equal(typeof r.json.gps.lat, 'number');
      // labels follow the language
      assert.ok(r.json.function_areas[0].function_labels.every((l) => /[\u4e00-\u9fff]/.test(l)));
      // the public part only
      for (const k of ['checklist', 'plaques', 'projects', 'open_tasks']) assert.ok(!(k in r.json), `${k} shown publicly`);
    }
  });

  test('one room may serve several functions (yinxing: activity room = party room + meeting + civilization station)', async () => {
    const r = await call(srv.base, 'GET', '/api/v1/villages/yinxing/center?lang=en');
    const room = r.json.function_areas.find((a) => a.functions.length >= 3);
    assert.ok(room, r.text);
    assert.deepEqual(room.functions, ['party_room', 'civilization', 'meeting']);
    assert.deepEqual(room.function_labels, ["Party members' activity room", 'New-era civilization practice station', 'Meeting room']);
  });

  test('users in scope see the checklist, plaques, projects and tasks; others see only the public part', async () => {
    const r = await api(srv.base, as('renhe-cadre'), 'GET', '/api/v1/villages/renhe/center');
    assert.equal(r.status, 200);
    assert.equal(r.json.checklist.length, 12);
    assert.equal(r.json.checklist.find((c) => c.item === 'walls').state, 'ok');
    assert.ok(r.json.plaques.length >= 8);
    assert.equal(r.json.projects.length >= 1, true);
    assert.equal(typeof r.json.open_tasks, 'number');
    const other = await api(srv.base, as('yinxing-admin'), 'GET', '/api/v1/villages/renhe/center');
    assert.equal(other.status, 200);
    assert.ok(!('checklist' in other.json));
    assertJsonError(await call(srv.base, 'GET', '/api/v1/villages/zhanerxiang/center'), 404, 'not_found');
  });

  test('PATCH updates fields, function areas, checklist and photos in one transaction, audited with before and after', async () => {
    const a0 = await auditSeq();
    const jpeg = varied(await sampleJpeg(srv.base), 'center');
    const up = await upload(srv.base, as('renhe-admin'), jpeg);
    assert.equal(up.status, 201, up.text);
    const r = await api(srv.base, as('renhe-admin'), 'PATCH', '/api/v1/villages/renhe/center', {
      opening_hours: '周一至周六 8:30–18:00', floor_area_m2: 270, gps: { lat: 34.04, lng: 106.46 },
      function_areas: [
        { name: '一楼大厅', area_m2: 80, functions: ['service_hall', 'bulletin'] },
        { name: '二楼活动室', area_m2: 60, functions: ['party_room', 'meeting', 'civilization'] },
        { name: '书屋兼说事室', functions: ['library', 'talk'] },
      ],
      checklist: [{ item: 'hygiene', state: 'needs_repair', note: '院内杂物' }],
      photos: [{ sha256: up.json.sha256, caption: '大门' }],
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.opening_hours, '周一至周六 8:30–18:00');
    assert.equal(r.json.floor_area_m2, 270);
    assert.equal(r.json.function_areas.length, 3);
    assert.equal(r.json.checklist.find((c) => c.item === 'hygiene').state, 'needs_repair');
    assert.equal(r.json.photos[0].url, `/uploads/${up.json.sha256}`);
    const rows = (await auditRows(srv.db, a0)).filter((x) => x.object === 'center:renhe');
    assert.deepEqual(rows.map((x) => x.action).sort(), ['center.checklist', 'center.function_areas', 'center.photos', 'center.update']);
    const fa = rows.find((x) => x.action === 'center.function_areas');
    assert.match(fa.after, /书屋兼说事室/);
    const before = await sqlScalar(srv.db, `SELECT before_json FROM audit WHERE seq = ${fa.seq}`);
    assert.match(before, /说事长廊/);
    // the public page shows the new rooms
    const pub = await call(srv.base, 'GET', '/api/v1/villages/renhe/center');
    assert.deepEqual(pub.json.function_areas.map((x) => x.name), ['一楼大厅', '二楼活动室', '书屋兼说事室']);
  });

  test('bad center input: 400 naming the field, nothing stored', async () => {
    const a0 = await auditSeq();
    const bad = [
      { function_areas: [{ name: '空房间', functions: [] }] },
      { function_areas: [{ name: '房间', functions: ['sauna'] }] },
      { function_areas: [{ functions: ['library'] }] },
      { checklist: [{ item: 'walls', state: 'shiny' }] },
      { checklist: [{ item: 'roof', state: 'ok' }] },
      { checklist: [{ item: 'walls', state: 'ok' }, { item: 'walls', state: 'missing' }] },
      { gps: { lat: 91, lng: 0 } },
      { floor_area_m2: -1 },
      { phone: 'call me' },
      { photos: ['0'.repeat(64)] },
      { colour: 'red' },
      { name: '' },
    ];
    for (const body of bad) {
      const r = await api(srv.base, as('renhe-admin'), 'PATCH', '/api/v1/villages/renhe/center', body);
      assertJsonError(r, 400, 'invalid_input', JSON.stringify(body));
    }
    assert.equal(await auditSeq(), a0);
  });

  test('scope: a center admin cannot change another village\'s center (404), a cadre lacks the permission (403)', async () => {
    assertJsonError(await api(srv.base, as('renhe-admin'), 'PATCH', '/api/v1/villages/yinxing/center', { phone: '1' }), 404, 'not_found');
    assertJsonError(await api(srv.base, as('renhe-cadre'), 'PATCH', '/api/v1/villages/renhe/center', { phone: '1' }), 403, 'forbidden');
  });
});

describe('the ¥98,000 fund of the article', () => {
  test('县委组织部, ¥98,000, four villages, allocated in full; spending recorded, dashan over with an approval', async () => {
    const id = await demoFundId(srv.db);
    const r = await api(srv.base, as('township'), 'GET', `/api/v1/funds/${id}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.source, '两当县委组织部');
    assert.equal(r.json.total_fen, 9800000);
    assert.equal(r.json.allocated_fen, 9800000);
    assert.deepEqual(r.json.projects.map((p) => p.village).sort(), ['dashan', 'gaoping', 'renhe', 'yinxing']);
    assert.equal(r.json.projects.reduce((s, p) => s + p.allocation_fen, 0), 9800000);
    for (const p of r.json.projects) assert.ok(p.spent_fen <= p.cap_fen, JSON.stringify(p));
    const dashan = r.json.projects.find((p) => p.village === 'dashan');
    assert.equal(dashan.approved_fen, 100000);
    assert.ok(dashan.spent_fen > dashan.allocation_fen);
    const d = await api(srv.base, as('township'), 'GET', `/api/v1/projects/${dashan.id}`);
    assert.equal(d.json.approvals[0].approved_by, 'township');
    assert.match(d.json.approvals[0].reason, /空鼓/);
    assert.ok(d.json.spending.some((s) => s.over_allocation));
    assert.ok(d.json.items.some((i) => i.decision === 'reuse'), 'no 能用则用 item');
    assert.ok(d.json.items.every((i) => typeof i.check_item === 'string'), 'items tied to checklist items');
    // completed; in use needs an "after" photo, and the demo holds no photo files
    assert.equal(d.json.status, 'completed');
  });
});

describe('money rules over HTTP', () => {
  test('spending exactly the allocation is fine; one fen more is 409 and stores nothing', async () => {
    const f = await newFund(1000000, { baiyang: 500000 });
    const p = f.projects.baiyang;
    let r = await spend('township', p, { amount_fen: 499999, payee: '甲' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.spending.over_allocation, false);
    r = await spend('township', p, { amount_fen: 1 });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.project.remaining_fen, 0);
    const a0 = await auditSeq();
    const c0 = await sqlScalar(srv.db, `SELECT count(*) FROM reno_spend WHERE project_id = ${p}`);
    const over = await spend('township', p, { amount_fen: 1 });
    const msg = assertJsonError(over, 409, 'conflict');
    assert.match(msg, /over-budget approval/);
    assert.match(msg, /allocation ¥5,000\.00/);
    assert.equal(await sqlScalar(srv.db, `SELECT count(*) FROM reno_spend WHERE project_id = ${p}`), c0);
    assert.equal(await auditSeq(), a0);
  });

  test('an over-budget approval records who and why, and lets exactly that much more be spent', async () => {
    const f = await newFund(1000000, { shimen: 300000 });
    const p = f.projects.shimen;
    assert.equal((await spend('renhe-admin', p, { amount_fen: 1 })).status, 404, 'out of scope');
    assert.equal((await spend('township', p, { amount_fen: 300000 })).status, 201);
    assertJsonError(await spend('township', p, { amount_fen: 5000 }), 409, 'conflict');
    // a center admin may not approve; the township may, with a reason
    assertJsonError(await api(srv.base, as('renhe-admin'), 'POST', `/api/v1/projects/${p}/approvals`, { amount_fen: 5000, reason: 'x' }), 403, 'forbidden');
    assertJsonError(await api(srv.base, as('township'), 'POST', `/api/v1/projects/${p}/approvals`, { amount_fen: 5000 }), 400, 'invalid_input');
    assertJsonError(await api(srv.base, as('township'), 'POST', `/api/v1/projects/${p}/approvals`, { amount_fen: 5000, reason: '  ' }), 400, 'invalid_input');
    assertJsonError(await api(srv.base, as('township'), 'POST', `/api/v1/projects/${p}/approvals`, { amount_fen: 0, reason: 'x' }), 400, 'invalid_input');
    const a0 = await auditSeq();
    const ap = await api(srv.base, as('township'), 'POST', `/api/v1/projects/${p}/approvals`, { amount_fen: 5000, reason: '墙面空鼓超出预估' });
    assert.equal(ap.status, 201, ap.text);
    assert.equal(ap.json.approved_fen, 5000);
    assert.equal(ap.json.cap_fen, 305000);
    assert.deepEqual(ap.json.approvals.map((a) => [a.amount_fen, a.reason, a.approved_by]), [[5000, '墙面空鼓超出预估', 'township']]);
    const [row] = (await auditRows(srv.db, a0)).filter((x) => x.action === 'project.approval');
    assert.equal(row.actor, 'user:township');
    assert.match(row.after, /墙面空鼓超出预估/);
    // exactly the approved overrun, flagged as beyond the allocation; then one fen more is refused again
    const ok = await spend('township', p, { amount_fen: 5000 });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.spending.over_allocation, true);
    const more = assertJsonError(await spend('township', p, { amount_fen: 1 }), 409, 'conflict');
    assert.match(more, /another over-budget approval/);
  });

  test('zero, negative, fractional, huge and overflowing amounts are refused', async () => {
    const f = await newFund(1000000, { xinzhuang: 100000 });
    const p = f.projects.xinzhuang;
    const a0 = await auditSeq();
    for (const amount_fen of [0, -1, -100000]) assertJsonError(await spend('township', p, { amount_fen }), 400, 'invalid_input', String(amount_fen));
    for (const amount_fen of [1.5, '100', null, 9223372036854775807, 1e300]) assertJsonError(await spend('township', p, { amount_fen }), 400, 'invalid_input', String(amount_fen));
    assertJsonError(await spend('township', p, { amount_fen: 100000000001 }), 400, 'invalid_input');
    assertJsonError(await call(srv.base, 'POST', `/api/v1/projects/${p}/spending`, {
      auth: as('township'), body: `{"amount_fen": 99999999999999999999999}`, headers: { 'Content-Type': 'application/json' },
    }), 400, 'invalid_input');
    assert.equal(await auditSeq(), a0);
  });

  test('allocations: exactly the fund total is fine; one fen over is 409; lowering below what was spent is 409', async () => {
    const f = await newFund(100000, { miaoping: 60000 });
    let r = await api(srv.base, as('township'), 'POST', `/api/v1/funds/${f.id}/allocations`, { village: 'shimen', amount_fen: 40001 });
    assertJsonError(r, 409, 'conflict');
    r = await api(srv.base, as('township'), 'POST', `/api/v1/funds/${f.id}/allocations`, { village: 'shimen', amount_fen: 40000 });
    assert.equal(r.status, 201, r.text);
    const fund = await api(srv.base, as('township'), 'GET', `/api/v1/funds/${f.id}`);
    assert.equal(fund.json.allocated_fen, 100000);
    assert.equal(fund.json.unallocated_fen, 0);
    assert.equal((await spend('township', f.projects.miaoping, { amount_fen: 50000 })).status, 201);
    assertJsonError(await api(srv.base, as('township'), 'POST', `/api/v1/funds/${f.id}/allocations`, { village: 'miaoping', amount_fen: 49999 }), 409, 'conflict');
    r = await api(srv.base, as('township'), 'POST', `/api/v1/funds/${f.id}/allocations`, { village: 'miaoping', amount_fen: 50000 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.allocation_fen, 50000);
    // a fund whose allocations exceed its total is refused whole
    const c0 = await sqlScalar(srv.db, 'SELECT count(*) FROM reno_fund');
    const bad = await api(srv.base, as('township'), 'POST', '/api/v1/funds', {
      township: 'zhanerxiang', source: '县委组织部', title: '超额', total_fen: 9800000,
      allocations: [{ village: 'renhe', amount_fen: 5000000 }, { village: 'yinxing', amount_fen: 4800001 }],
    });
    assertJsonError(bad, 409, 'conflict');
    assert.equal(await sqlScalar(srv.db, 'SELECT count(*) FROM reno_fund'), c0);
    for (const total_fen of [0, -1, 100000000001]) {
      assertJsonError(await api(srv.base, as('township'), 'POST', '/api/v1/funds', { township: 'zhanerxiang', source: 'x', title: 'x', total_fen }), 400, 'invalid_input');
    }
    // a village of another township is not a village of this fund
    assertJsonError(await api(srv.base, as('county'), 'POST', '/api/v1/funds', { township: 'zhanerxiang', source: 'x', title: 'x', total_fen: 10, allocations: [{ village: 'nosuch', amount_fen: 1 }] }), 400, 'invalid_input');
  });

  test('eight spendings racing for the last of the allocation: only those that fit are stored', async () => {
    const f = await newFund(1000000, { baiyang: 1000 });
    const p = f.projects.baiyang;
    const rs = await Promise.all(Array.from({ length: 8 }, () => spend('township', p, { amount_fen: 300 })));
    const ok = rs.filter((r) => r.status === 201).length;
    assert.equal(ok, 3, rs.map((r) => r.status).join());
    assert.equal(rs.filter((r) => r.status === 409).length, 5);
    assert.equal(await sqlScalar(srv.db, `SELECT sum(amount_fen) FROM reno_spend WHERE project_id = ${p}`), '900');
  });
});

describe('a project from plan to use', () => {
  test('items, milestones, photos in before/after pairs, the status machine and its 409s, scope', async () => {
    const f = await newFund(5000000, { renhe: 2000000, yinxing: 2000000 });
    const p = f.projects.renhe;
    const y = f.projects.yinxing;
    const admin = as('renhe-admin');
    let r = await api(srv.base, admin, 'POST', `/api/v1/projects/${p}/items`, { title: '内墙粉刷', check_item: 'walls', decision: 'renovate', planned_fen: 800000 });
    assert.equal(r.status, 201, r.text);
    const item = r.json.items[0].id;
    r = await api(srv.base, admin, 'POST', `/api/v1/projects/${p}/items`, { title: '旧桌椅继续使用', check_item: 'tables_chairs', decision: 'reuse' });
    assert.equal(r.status, 201);
    assertJsonError(await api(srv.base, admin, 'POST', `/api/v1/projects/${p}/items`, { title: 'x', decision: 'paint' }), 400, 'invalid_input');
    assertJsonError(await api(srv.base, admin, 'POST', `/api/v1/projects/${p}/items`, { title: 'x', decision: 'reuse', check_item: 'roof' }), 400, 'invalid_input');
    // scope: renhe's admin cannot touch yinxing's project, whatever the call
    for (const [m, path, body] of [['GET', `/api/v1/projects/${y}`], ['POST', `/api/v1/projects/${y}/items`, { title: 'x', decision: 'reuse' }],
      ['POST', `/api/v1/projects/${y}/spending`, { amount_fen: 1 }], ['POST', `/api/v1/projects/${y}/status`, { status: 'in_progress' }],
      ['POST', `/api/v1/projects/${y}/milestones`, { title: 'x' }], ['POST', `/api/v1/projects/${y}/photos`, { sha256: '0'.repeat(64), phase: 'before' }]]) {
      assertJsonError(await api(srv.base, admin, m, path, body), 404, 'not_found', path);
    }
    assert.equal(Number(await sqlScalar(srv.db, `SELECT count(*) FROM reno_item WHERE project_id = ${y}`)), 0);
    // a milestone open: completed is refused until it is done
    r = await api(srv.base, admin, 'POST', `/api/v1/projects/${p}/milestones`, { title: '施工进场', due_on: 1900000000 });
    assert.equal(r.status, 201);
    const ms = r.json.milestones[0].id;
    const jump = assertJsonError(await api(srv.base, admin, 'POST', `/api/v1/projects/${p}/status`, { status: 'completed' }), 409, 'conflict');
    assert.match(jump, /allowed next: in_progress/);
    r = await api(srv.base, admin, 'POST', `/api/v1/projects/${p}/status`, { status: 'in_progress' });
    assert.equal(r.status, 200);
    assert.equal(r.json.status, 'in_progress');
    assert.match(assertJsonError(await api(srv.base, admin, 'POST', `/api/v1/projects/${p}/status`, { status: 'completed' }), 409, 'conflict'), /milestone/);
    assertJsonError(await api(srv.base, admin, 'POST', `/api/v1/projects/${p}/status`, { status: 'planned' }), 409, 'conflict');
    assertJsonError(await api(srv.base, admin, 'POST', `/api/v1/projects/${p}/status`, { status: 'finished' }), 400, 'invalid_input');
    r = await api(srv.base, admin, 'POST', `/api/v1/projects/${p}/milestones/${ms}`, { done: true });
    assert.equal(r.status, 200);
    assert.ok(r.json.milestones[0].done_on > 0);
    assertJsonError(await api(srv.base, admin, 'POST', `/api/v1/projects/${p}/milestones/999999`, { done: true }), 404, 'not_found');
    // photos: before and after of the same spot pair up; an unknown sha is refused
    const jpeg = await sampleJpeg(srv.base);
    const b = await upload(srv.base, as('renhe-cadre'), varied(jpeg, 'before'));
    const a = await upload(srv.base, as('renhe-cadre'), varied(jpeg, 'after'));
    assertJsonError(await api(srv.base, as('renhe-cadre'), 'POST', `/api/v1/projects/${p}/photos`, { sha256: 'f'.repeat(64), phase: 'before' }), 400, 'invalid_input');
    r = await api(srv.base, as('renhe-cadre'), 'POST', `/api/v1/projects/${p}/photos`, { sha256: b.json.sha256, phase: 'before', item_id: item });
    assert.equal(r.status, 201, r.text);
    r = await api(srv.base, as('renhe-cadre'), 'POST', `/api/v1/projects/${p}/photos`, { sha256: a.json.sha256, phase: 'after', item_id: item, caption: '粉刷后' });
    assert.equal(r.status, 201);
    assert.equal(r.json.pairs.length, 1);
    assert.equal(r.json.pairs[0].spot, '内墙粉刷');
    assert.equal(r.json.pairs[0].before[0].sha256, b.json.sha256);
    assert.equal(r.json.pairs[0].after[0].sha256, a.json.sha256);
    // spending with a receipt, against an item
    r = await spend('renhe-cadre', p, { amount_fen: 750000, item_id: item, payee: '装饰队', receipt_sha256: b.json.sha256, spent_on: 1700000000 });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.spending.receipt.sha256, b.json.sha256);
    assertJsonError(await spend('renhe-cadre', p, { amount_fen: 1, item_id: 999999 }), 400, 'invalid_input');
    // completed, then in use: no more spending
    assert.equal((await api(srv.base, admin, 'POST', `/api/v1/projects/${p}/status`, { status: 'completed' })).status, 200);
    assert.equal((await spend('renhe-cadre', p, { amount_fen: 100 })).status, 201, 'final payments while completed');
    assert.equal((await api(srv.base, admin, 'POST', `/api/v1/projects/${p}/status`, { status: 'in_use' })).status, 200);
    assert.match(assertJsonError(await spend('renhe-cadre', p, { amount_fen: 100 }), 409, 'conflict'), /in use/);
    assertJsonError(await api(srv.base, admin, 'POST', `/api/v1/projects/${p}/status`, { status: 'in_use' }), 409, 'conflict');
    // the statuses in the audit trail, in order
    const st = await sqlOk(srv.db, `SELECT after_json FROM audit WHERE action = 'project.status' AND object = 'project:${p}' ORDER BY seq`);
    assert.deepEqual(st.map((x) => JSON.parse(x).status), ['in_progress', 'completed', 'in_use']);
  });

  test('the project page prints: money, items, spending, photos side by side, no forms in print', async () => {
    const renhe = await projectOf(srv.db, await demoFundId(srv.db), 'renhe');
    const s = await login(srv.base, 'township');
    const r = await call(srv.base, 'GET', `/projects/${renhe}`, { auth: s });
    assert.equal(r.status, 200);
    assert.match(r.text, /<link rel="stylesheet" media="print" href="\/static\/print.css/);
    for (const t of ['任河村党群服务中心提档升级', '两当县委组织部', '¥26,000.00', zh('Renovate what can be renovated, reuse what can be used'), zh('Reuse as it is'), '内外墙面粉刷', zh('Before and after')])
      assert.ok(r.text.includes(t), `project page lacks ${t}`);
    assert.match(r.text, /<ol class="steps">.*<li class="current">已完工<\/li>/s);
    const css = await call(srv.base, 'GET', '/static/print.css');
    assert.match(css.text, /\.no-print, form\.inline \{ display: none; \}/);
    // every form on the page stays off paper
    const forms = [...r.text.matchAll(/<form class="([^"]*)"[^>]* action="\/projects\/[^"]*"/g)].map((m) => m[1]);
    assert.ok(forms.length > 0);
    for (const c of forms) assert.ok(/\bno-print\b/.test(c) || c === 'inline', `a form of class "${c}" would print`);
  });

  test('the spending form takes yuan, and a 409 page says why in Chinese', async () => {
    const f = await newFund(1000000, { renhe: 100000 });
    const p = f.projects.renhe;
    const s = await login(srv.base, 'renhe-cadre');
    const page = await call(srv.base, 'GET', `/projects/${p}`, { auth: s });
    assert.match(page.text, new RegExp(`<form class="form no-print" method="post" action="/projects/${p}/spending" enctype="multipart/form-data">`));
    let r = await call(srv.base, 'POST', `/projects/${p}/spending`, { auth: s, form: { csrf: s.csrf, amount: '999.99', payee: '五金店', spent_on: '2024-03-05' } });
    assert.equal(r.status, 303, r.text);
    assert.equal(await sqlScalar(srv.db, `SELECT amount_fen FROM reno_spend WHERE project_id = ${p}`), '99999');
    r = await call(srv.base, 'POST', `/projects/${p}/spending`, { auth: s, form: { csrf: s.csrf, amount: '0.02' } });
    assert.equal(r.status, 409);
    assert.ok(r.text.includes(zh('This spending goes beyond the allocation; an over-budget approval must be recorded first.')));
    r = await call(srv.base, 'POST', `/projects/${p}/spending`, { auth: s, form: { csrf: s.csrf, amount: '1.234' } });
    assert.equal(r.status, 400);
    assert.ok(r.text.includes(zh('Write the amount in yuan, like 1200 or 1,200.50.')));
    assert.ok(r.text.includes('value="1.234"'), 'the amount is not kept');
    r = await call(srv.base, 'POST', `/projects/${p}/spending`, { auth: s, form: { csrf: s.csrf, amount: '0.01' } });
    assert.equal(r.status, 303);
    assert.equal(await sqlScalar(srv.db, `SELECT sum(amount_fen) FROM reno_spend WHERE project_id = ${p}`), '100000');
  });

  test('XLSX export of the fund: projects and spending sheets', async () => {
    const id = await demoFundId(srv.db);
    const r = await fetch(`${srv.base}/funds/${id}/export.xlsx`, { headers: { Authorization: `Bearer ${as('township').token}` } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.match(r.headers.get('content-disposition'), /attachment; filename="fund-\d+\.xlsx"/);
    const b = Buffer.from(await r.arrayBuffer());
    assert.equal(b.subarray(0, 2).toString('latin1'), 'PK');
    const names = b.toString('latin1');
    assert.ok(names.includes('xl/worksheets/sheet1.xml') && names.includes('xl/worksheets/sheet2.xml'));
    assert.ok(names.includes('xl/sharedStrings.xml'));
    assertJsonError(await call(srv.base, 'GET', `/api/v1/funds/${id}`, { auth: as('renhe-admin') }), 404, 'not_found');
    const denied = await fetch(`${srv.base}/funds/${id}/export.xlsx`, { headers: { Authorization: `Bearer ${as('renhe-admin').token}` } });
    assert.equal(denied.status, 404);
  });
});

describe('plaques and the township campaign', () => {
  test('inventory with compliance by the default whitelist; decisions keep/merge/remove with their rules', async () => {
    const admin = as('renhe-admin');
    let r = await api(srv.base, admin, 'POST', '/api/v1/villages/renhe/plaques', { location: 'exterior', name: '任河村计划生育协会', issuing_body: '县卫健局' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.compliant, false);
    assert.equal(r.json.pending, 'decide');
    assert.equal(r.json.problem, zh("Not on the township's list of plaques allowed outside."));
    const id = r.json.id;
    assertJsonError(await api(srv.base, admin, 'POST', `/api/v1/plaques/${id}/decision`, { decision: 'keep' }), 400, 'invalid_input');
    assertJsonError(await api(srv.base, admin, 'POST', `/api/v1/plaques/${id}/decision`, { decision: 'merge' }), 400, 'invalid_input');
    assertJsonError(await api(srv.base, admin, 'POST', `/api/v1/plaques/${id}/decision`, { decision: 'pending' }), 400, 'invalid_input');
    r = await api(srv.base, admin, 'POST', `/api/v1/plaques/${id}/decision`, { decision: 'remove' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.pending, 'carry_out');
    assert.equal(r.json.decided_by, 'renhe-admin');
    // the photo proof finishes it
    const up = await upload(srv.base, admin, varied(await sampleJpeg(srv.base), 'plaque'));
    r = await api(srv.base, admin, 'POST', `/api/v1/plaques/${id}/decision`, { decision: 'remove', proof_sha256: up.json.sha256 });
    assert.equal(r.status, 200);
    assert.equal(r.json.pending, 'none');
    assert.equal(r.json.proof.url, `/uploads/${up.json.sha256}`);
    // keeping a plaque off the list needs its basis; a rules poster is flagged unless a public notice
    r = await api(srv.base, admin, 'POST', '/api/v1/villages/renhe/plaques', { location: 'interior', name: '值班制度', rules_poster: true });
    assert.equal(r.json.compliant, false);
    r = await api(srv.base, admin, 'POST', '/api/v1/villages/renhe/plaques', { location: 'interior', name: '办事须知', rules_poster: true, public_notice: true });
    assert.equal(r.json.compliant, true);
    assertJsonError(await api(srv.base, admin, 'POST', '/api/v1/villages/renhe/plaques', { location: 'roof', name: 'x' }), 400, 'invalid_input');
    assertJsonError(await api(srv.base, admin, 'POST', '/api/v1/villages/yinxing/plaques', { location: 'interior', name: 'x' }), 404, 'not_found');
    assertJsonError(await api(srv.base, admin, 'POST', `/api/v1/plaques/${await plaqueId(srv.db, 'yinxing', '银杏村科普协会')}/decision`, { decision: 'remove' }), 404, 'not_found');
  });

  test('the campaign view says what each village still has to clean up', async () => {
    const r = await api(srv.base, as('township'), 'GET', '/api/v1/townships/zhanerxiang/plaques');
    assert.equal(r.status, 200, r.text);
    const v = Object.fromEntries(r.json.villages.map((x) => [x.code, x]));
    // yinxing: four plaques undecided (科普协会, 关工委, 妇女之家, 村务公开制度)
    assert.equal(v.yinxing.to_decide, 4);
    assert.deepEqual(v.yinxing.items_left.map((p) => p.pending), ['decide', 'decide', 'decide', 'decide']);
    // renhe: merged/removed plaques without a photo yet
    assert.ok(v.renhe.to_carry_out >= 3);
    // dashan and gaoping: done
    assert.equal(v.dashan.left, 0);
    assert.equal(v.gaoping.left, 0);
    assert.equal(r.json.totals.left, r.json.villages.reduce((s, x) => s + x.left, 0));
    assert.equal(r.json.whitelist.configured, false);
    assert.ok(r.json.whitelist.exterior.includes('村民委员会'));
    assertJsonError(await api(srv.base, as('renhe-admin'), 'GET', '/api/v1/townships/zhanerxiang/plaques'), 404, 'not_found');
  });

  test('a township sets its own whitelist (audited); compliance follows it', async () => {
    const before = await api(srv.base, as('township'), 'GET', '/api/v1/villages/gaoping/center');
    assert.ok(before.json.plaques.find((p) => p.name === '中共高坪村支部委员会').compliant);
    const a0 = await auditSeq();
    let r = await api(srv.base, as('township'), 'PUT', '/api/v1/townships/zhanerxiang/plaque-whitelist', { exterior: ['村民委员会'], interior: ['农家书屋'] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.configured, true);
    const [row] = (await auditRows(srv.db, a0)).filter((x) => x.action === 'plaque.whitelist');
    assert.match(row.after, /"exterior":\["村民委员会"\]/);
    const now = await api(srv.base, as('township'), 'GET', '/api/v1/villages/gaoping/center');
    assert.equal(now.json.plaques.find((p) => p.name === '中共高坪村支部委员会').compliant, false);
    assertJsonError(await api(srv.base, as('township'), 'PUT', '/api/v1/townships/zhanerxiang/plaque-whitelist', { exterior: ['a', 'a'], interior: [] }), 400, 'invalid_input');
    assertJsonError(await api(srv.base, as('township'), 'PUT', '/api/v1/townships/zhanerxiang/plaque-whitelist', { exterior: [''], interior: [] }), 400, 'invalid_input');
    assertJsonError(await api(srv.base, as('renhe-admin'), 'PUT', '/api/v1/townships/zhanerxiang/plaque-whitelist', { exterior: [], interior: [] }), 403, 'forbidden');
    // back to the default list's names
    const def = ['支部委员会', '党支部', '党总支', '党委', '村民委员会', '居民委员会', '村务监督委员会', '经济合作社', '股份经济合作社', '党群服务中心'];
    r = await api(srv.base, as('township'), 'PUT', '/api/v1/townships/zhanerxiang/plaque-whitelist', { exterior: def, interior: ['新时代文明实践站', '农家书屋', '综治中心', '矛盾调解', '调解委员会', '退役军人服务站'] });
    assert.equal(r.status, 200);
  });
});

describe('pages', () => {
  test('the public center page: function areas and opening hours, no internal part for the public', async () => {
    const r = await call(srv.base, 'GET', '/v/yinxing/center');
    assert.equal(r.status, 200);
    assert.ok(r.text.includes('银杏村党群服务中心'));
    assert.ok(r.text.includes(zh('Function areas')));
    assert.ok(r.text.includes(zh('Talk corridor / villagers\' talk room')));
    assert.ok(r.text.includes('周一至周五'));
    assert.ok(!r.text.includes(zh('Facility checklist')), 'the checklist is public');
    assert.ok(!r.text.includes('银杏村科普协会'), 'plaques are public');
  });

  test('the internal center page: checklist, plaques with decision forms for the admin, projects', async () => {
    const s = await login(srv.base, 'yinxing-admin');
    const r = await call(srv.base, 'GET', '/v/yinxing/center', { auth: s });
    assert.ok(r.text.includes(zh('Facility checklist')));
    assert.ok(r.text.includes('银杏村科普协会'));
    assert.match(r.text, /<form class="inline" method="post" action="\/plaques\/\d+\/decision" enctype="multipart\/form-data">/);
    assert.match(r.text, /href="\/projects\/\d+"/);
    // a supervisor reads, without forms
    const sup = await login(srv.base, 'renhe-supervisor');
    const rs = await call(srv.base, 'GET', '/v/renhe/center', { auth: sup });
    assert.ok(rs.text.includes(zh('Facility checklist')));
    assert.ok(!rs.text.includes('/decision"'), 'a supervisor gets decision forms');
  });

  test('the plaque decision form: keeping an unlisted plaque without a basis is a 400 page; with it, 303', async () => {
    const s = await login(srv.base, 'yinxing-admin');
    const id = await plaqueId(srv.db, 'yinxing', '银杏村妇女之家');
    let r = await call(srv.base, 'POST', `/plaques/${id}/decision`, { auth: s, form: { csrf: s.csrf, decision: 'keep' } });
    assert.equal(r.status, 400);
    assert.ok(r.text.includes(zh('Keeping a plaque that is not on the list needs its legal basis.')));
    r = await call(srv.base, 'POST', `/plaques/${id}/decision`, { auth: s, form: { csrf: s.csrf, decision: 'keep', reason: '县妇联文件要求' } });
    assert.equal(r.status, 303);
    assert.equal(r.location, `/v/yinxing/center#plaque-${id}`);
    assert.equal(await sqlScalar(srv.db, `SELECT decision FROM plaque WHERE id = ${id}`), 'keep');
  });

  test('campaign page, fund page, village page and 改 pillar links', async () => {
    const s = await login(srv.base, 'township');
    const c = await call(srv.base, 'GET', '/t/zhanerxiang/plaques', { auth: s });
    assert.equal(c.status, 200);
    assert.ok(c.text.includes(zh('Left to clean up')) && c.text.includes('银杏村'));
    const fund = await call(srv.base, 'GET', `/funds/${await demoFundId(srv.db)}`, { auth: s });
    assert.ok(fund.text.includes('¥98,000.00') && fund.text.includes('export.xlsx'));
    const v = await call(srv.base, 'GET', '/v/renhe', { auth: s });
    assert.ok(v.text.includes('href="/v/renhe/center"'));
    assert.match(v.text, /href="\/projects\/\d+"/);
    const anon = await call(srv.base, 'GET', '/v/renhe');
    assert.ok(anon.text.includes('href="/v/renhe/center"'));
    assert.ok(!/href="\/projects\//.test(anon.text), 'projects linked for the public');
    const gai = await call(srv.base, 'GET', '/gai', { auth: s });
    for (const l of ['/t/zhanerxiang/plaques', '/t/zhanerxiang/tasks', '/inspections', '/funds/']) assert.ok(gai.text.includes(l), `/gai lacks ${l}`);
    const gaiAnon = await call(srv.base, 'GET', '/gai');
    assert.ok(!gaiAnon.text.includes('/t/zhanerxiang/plaques'));
  });
});
