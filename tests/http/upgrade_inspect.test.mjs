// upgrade_inspect.test.mjs — the inspection loop: an area leader visits one of their villages,
// records findings (text, photo, checklist item); each is a rectification task with an owner
// and a deadline; the owner reports; a re-inspection keeps it open with a new deadline or
// closes it; a closed task takes nothing more (409); overdue tasks surface on the township's
// list (API and page); scope: not the leader's village → 404, a supervisor reads but does not
// inspect, the owner must be someone of that village.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer } from './lib.mjs';
import { assertJsonError, auditRows, call, demoTokens, login, sqlOk, sqlScalar } from './auth_lib.mjs';
import { zh } from './appeal_lib.mjs';
import { api, sampleJpeg, upload, varied } from './upgrade_lib.mjs';

let srv;
let tok;
before(async () => {
  srv = await startServer();
  tok = await demoTokens(srv.base, ['county', 'township', 'leader', 'renhe-admin', 'renhe-cadre', 'renhe-supervisor', 'yinxing-admin']);
});
after(() => stopServer(srv));

const as = (l) => tok[l];
const now = () => Math.floor(Date.now() / 1000);
const auditSeq = async () => Number(await sqlScalar(srv.db, 'SELECT COALESCE(max(seq), 0) FROM audit'));

describe('the inspection loop', () => {
  let finding;
  let photo;

  test('the area leader records a visit to renhe with findings → 201, tasks open with owner and deadline', async () => {
    const up = await upload(srv.base, as('leader'), varied(await sampleJpeg(srv.base), 'finding'));
    assert.equal(up.status, 201, up.text);
    photo = up.json.sha256;
    const a0 = await auditSeq();
    const r = await api(srv.base, as('leader'), 'POST', '/api/v1/inspections', {
      village: 'renhe', summary: '实地调度阵地使用情况', findings: [
        { text: '公开栏内容未按月更新', check_item: 'bulletin_board', photo_sha256: photo, owner: 'renhe-admin', days: 7 },
        { text: '活动室灯管损坏两根', check_item: 'lighting', owner: 'renhe-cadre', deadline: now() + 3 * 86400 },
      ],
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.inspector, 'leader');
    assert.equal(r.json.findings.length, 2);
    const f = r.json.findings.find((x) => x.check_item === 'bulletin_board');
    assert.equal(f.state, 'open');
    assert.equal(f.owner, 'renhe-admin');
    assert.equal(f.overdue, false);
    assert.ok(Math.abs(f.deadline - (now() + 7 * 86400)) < 120);
    assert.equal(f.photo.sha256, photo);
    finding = f.id;
    const actions = (await auditRows(srv.db, a0)).map((x) => x.action);
    assert.deepEqual(actions, ['inspection.create', 'finding.create', 'finding.create']);
  });

  test('the owner reports it done (with a note); the village sees the task in its inspections', async () => {
    const r = await api(srv.base, as('renhe-admin'), 'POST', `/api/v1/findings/${finding}/report`, { note: '已更新本月公开内容' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'reported');
    assert.equal(r.json.report_note, '已更新本月公开内容');
    assertJsonError(await api(srv.base, as('renhe-admin'), 'POST', `/api/v1/findings/${finding}/report`, {}), 400, 'invalid_input');
    const list = await api(srv.base, as('renhe-supervisor'), 'GET', '/api/v1/villages/renhe/inspections');
    assert.equal(list.status, 200);
    const visit = list.json.inspections.find((i) => i.findings.some((x) => x.id === finding));
    assert.ok(visit, list.text);
    assert.ok(list.json.open_tasks.some((x) => x.id === finding));
  });

  test('a re-inspection that finds it not fixed keeps it open with a new deadline', async () => {
    const dl = now() + 10 * 86400;
    const r = await api(srv.base, as('leader'), 'POST', `/api/v1/findings/${finding}/reinspect`, { fixed: false, note: '只更新了一半', deadline: dl });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'open');
    assert.equal(r.json.deadline, dl);
    assert.equal(r.json.reinspections, 1);
    assertJsonError(await api(srv.base, as('leader'), 'POST', `/api/v1/findings/${finding}/reinspect`, { fixed: false, deadline: now() - 10 }), 400, 'invalid_input');
    assertJsonError(await api(srv.base, as('leader'), 'POST', `/api/v1/findings/${finding}/reinspect`, { fixed: true, days: 3 }), 400, 'invalid_input');
    assertJsonError(await api(srv.base, as('leader'), 'POST', `/api/v1/findings/${finding}/reinspect`, { note: 'x' }), 400, 'invalid_input');
  });

  test('a re-inspection that sees it fixed closes it (a re-inspection visit is recorded); then nothing more: 409', async () => {
    const r = await api(srv.base, as('leader'), 'POST', `/api/v1/findings/${finding}/reinspect`, { fixed: true, note: '现场查看已整改' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'closed');
    assert.ok(r.json.closed_at > 0);
    assert.equal(r.json.reinspections, 2);
    const closedBy = await sqlScalar(srv.db, `SELECT i.kind FROM finding f JOIN inspection i ON i.id = f.closed_by WHERE f.id = ${finding}`);
    assert.equal(closedBy, 'reinspection');
    assertJsonError(await api(srv.base, as('leader'), 'POST', `/api/v1/findings/${finding}/reinspect`, { fixed: true }), 409, 'conflict');
    assertJsonError(await api(srv.base, as('renhe-admin'), 'POST', `/api/v1/findings/${finding}/report`, { note: 'x' }), 409, 'conflict');
    const list = await api(srv.base, as('township'), 'GET', '/api/v1/townships/zhanerxiang/tasks?all=1');
    assert.equal(list.json.tasks.find((x) => x.id === finding).state, 'closed');
    const open = await api(srv.base, as('township'), 'GET', '/api/v1/townships/zhanerxiang/tasks');
    assert.ok(!open.json.tasks.some((x) => x.id === finding));
  });

  test('overdue tasks show on the township\'s list (API and page), and stop showing once reported or closed', async () => {
    const r = await api(srv.base, as('leader'), 'POST', '/api/v1/inspections', {
      village: 'yinxing', findings: [{ text: '门外仍挂科普协会牌子', check_item: 'signage', owner: 'yinxing-admin', days: 1 }],
    });
    assert.equal(r.status, 201, r.text);
    const id = r.json.findings[0].id;
    await sqlOk(srv.db, `UPDATE finding SET deadline = ${now() - 3600} WHERE id = ${id}`);
    const od = await api(srv.base, as('township'), 'GET', '/api/v1/townships/zhanerxiang/tasks?overdue=1');
    assert.equal(od.status, 200);
    const t = od.json.tasks.find((x) => x.id === id);
    assert.ok(t, od.text);
    assert.equal(t.overdue, true);
    assert.ok(od.json.tasks.every((x) => x.overdue), 'a task in the overdue list is not overdue');
    assert.ok(od.json.overdue >= 2, 'the demo has an overdue task too');
    const s = await login(srv.base, 'township');
    const page = await call(srv.base, 'GET', '/t/zhanerxiang/tasks', { auth: s });
    assert.equal(page.status, 200);
    const overdueSection = page.text.split(zh('All open tasks'))[0];
    assert.ok(overdueSection.includes('门外仍挂科普协会牌子'), 'the overdue task is not in the overdue section');
    assert.match(overdueSection, /<tr id="task-\d+" class="overdue">/);
    // reported: no longer overdue (the inspector's turn)
    assert.equal((await api(srv.base, as('yinxing-admin'), 'POST', `/api/v1/findings/${id}/report`, { note: '已摘除' })).status, 200);
    const od2 = await api(srv.base, as('township'), 'GET', '/api/v1/townships/zhanerxiang/tasks?overdue=1');
    assert.ok(!od2.json.tasks.some((x) => x.id === id));
    assertJsonError(await api(srv.base, as('township'), 'GET', '/api/v1/townships/zhanerxiang/tasks?overdue=yes'), 400, 'invalid_input');
  });
});

describe('scope of inspections', () => {
  test('the area leader inspects only their villages: dashan → 404; a supervisor reads (200) but cannot inspect (403)', async () => {
    assertJsonError(await api(srv.base, as('leader'), 'POST', '/api/v1/inspections', { village: 'dashan' }), 404, 'not_found');
    assertJsonError(await api(srv.base, as('renhe-supervisor'), 'POST', '/api/v1/inspections', { village: 'renhe' }), 403, 'forbidden');
    assert.equal((await api(srv.base, as('renhe-supervisor'), 'GET', '/api/v1/villages/renhe/inspections')).status, 200);
    assertJsonError(await api(srv.base, as('renhe-supervisor'), 'GET', '/api/v1/villages/yinxing/inspections'), 404, 'not_found');
    const yinxingFinding = await sqlScalar(srv.db, "SELECT f.id FROM finding f JOIN org o ON o.id = f.org_id WHERE o.code = 'yinxing' LIMIT 1");
    assertJsonError(await api(srv.base, as('renhe-admin'), 'POST', `/api/v1/findings/${yinxingFinding}/report`, { note: 'x' }), 404, 'not_found');
  });

  test('the owner must be someone who may record the village\'s work; a deadline is required; nothing half-written', async () => {
    const c0 = await sqlScalar(srv.db, 'SELECT count(*) FROM inspection');
    for (const f of [
      { text: 'x', owner: 'yinxing-admin', days: 3 },   // another village's admin
      { text: 'x', owner: 'renhe-supervisor', days: 3 }, // reads, does not record
      { text: 'x', owner: 'nobody', days: 3 },
      { text: 'x', owner: 'renhe-admin' },               // no deadline
      { text: 'x', owner: 'renhe-admin', days: 0 },
      { text: 'x', owner: 'renhe-admin', days: 366 },
      { text: '', owner: 'renhe-admin', days: 3 },
      { text: 'x', owner: 'renhe-admin', days: 3, check_item: 'roof' },
      { text: 'x', owner: 'renhe-admin', days: 3, photo_sha256: '0'.repeat(64) },
    ]) {
      const r = await api(srv.base, as('leader'), 'POST', '/api/v1/inspections', { village: 'renhe', findings: [{ text: 'ok', owner: 'renhe-admin', days: 3 }, f] });
      assertJsonError(r, 400, 'invalid_input', JSON.stringify(f));
    }
    assert.equal(await sqlScalar(srv.db, 'SELECT count(*) FROM inspection'), c0, 'a visit was stored though a finding was refused');
  });
});

describe('the inspection pages', () => {
  test('the area leader\'s page lists their villages only, with a form; a visit with a finding → 303 and listed', async () => {
    const s = await login(srv.base, 'leader');
    const page = await call(srv.base, 'GET', '/inspections', { auth: s });
    assert.equal(page.status, 200);
    assert.ok(page.text.includes('任河村') && page.text.includes('银杏村'));
    assert.ok(!page.text.includes('>大山村<'), 'a village outside the leader\'s area is listed');
    assert.match(page.text, /<form class="form" method="post" action="\/inspections" enctype="multipart\/form-data">/);
    const r = await call(srv.base, 'POST', '/inspections', {
      auth: s, form: { csrf: s.csrf, village: 'renhe', visited_on: '2024-03-05', summary: '网页督导', finding: '说事长廊缺少座椅', check_item: 'tables_chairs', owner: 'renhe-admin', days: '5' },
    });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const id = Number(/task-(\d+)/.exec(r.location)[1]);
    const row = await sqlScalar(srv.db, `SELECT f.state || '|' || u.login || '|' || f.check_item FROM finding f JOIN users u ON u.id = f.owner_id WHERE f.id = ${id}`);
    assert.equal(row, 'open|renhe-admin|tables_chairs');
    const after = await call(srv.base, 'GET', '/inspections', { auth: s });
    assert.ok(after.text.includes('说事长廊缺少座椅'));
    assert.match(after.text, new RegExp(`action="/findings/${id}/reinspect"`));
    // a bad owner: a 400 page saying so in Chinese, the typed finding kept
    const bad = await call(srv.base, 'POST', '/inspections', { auth: s, form: { csrf: s.csrf, village: 'renhe', finding: '另一个问题', owner: 'yinxing-admin', days: '5' } });
    assert.equal(bad.status, 400);
    assert.ok(bad.text.includes(zh('The owner must be a user of this village who may record its work (their login).')));
    assert.ok(bad.text.includes('>另一个问题</textarea>'));
    // re-inspect from the page: fixed → closed
    const re = await call(srv.base, 'POST', `/findings/${id}/reinspect`, { auth: s, form: { csrf: s.csrf, fixed: '1', note: '已补座椅' } });
    assert.equal(re.status, 303);
    assert.equal(await sqlScalar(srv.db, `SELECT state FROM finding WHERE id = ${id}`), 'closed');
    const again = await call(srv.base, 'POST', `/findings/${id}/reinspect`, { auth: s, form: { csrf: s.csrf, fixed: '1' } });
    assert.equal(again.status, 409);
    assert.ok(again.text.includes(zh('The task is closed already.')));
  });
});
