// upgrade_center_forms.test.mjs — the page forms of 改 for centers and plaques (issue 6), as a
// phone without JavaScript sends them: a center admin edits the center (address, GPS, floor area,
// opening hours), its rooms (a room may serve several functions), the facility checklist and its
// photos (multipart, from the phone); adds a plaque (location, name, issuing body, legal basis,
// real function); the township admin edits the plaque lists and the per-location limits (§7: at
// most 4 outside and 4 inside; only plaques that stay count). Every form changes what the pages
// show, is refused outside the caller's village (404) and without the permission (403), and on bad
// input (empty, too long, malformed UTF-8, bad GPS, negative area) says why, shows what was typed
// and changes nothing. Uploads: only what a public page shows (center photos) is public; receipts,
// finding photos and unattached uploads are for staff in scope (404 for anyone else).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer } from './lib.mjs';
import { auditRows, call, login, sqlScalar } from './auth_lib.mjs';
import { zh } from './appeal_lib.mjs';
import { api, demoFundId, projectOf, sampleJpeg, upload, varied } from './upgrade_lib.mjs';

let srv, jpeg;
const s = {}; // sessions (cookie + CSRF) of the demo users
before(async () => {
  srv = await startServer();
  jpeg = await sampleJpeg(srv.base);
  for (const l of ['county', 'township', 'leader', 'renhe-admin', 'renhe-cadre', 'renhe-member', 'yinxing-admin']) s[l] = await login(srv.base, l);
});
after(() => stopServer(srv));

const esc = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
/** The page shows msgid in Chinese (as escaped HTML). */
function says(r, msgid, what = '') {
  const t = zh(msgid);
  assert.ok(r.text.includes(esc(t)) || r.text.includes(t), `${what}: the page does not say "${t}":\n${r.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 1500)}`);
}
const auditSeq = async () => Number(await sqlScalar(srv.db, 'SELECT COALESCE(max(seq), 0) FROM audit'));
const center = async (code = 'renhe', who = 'county') => (await api(srv.base, s[who], 'GET', `/api/v1/villages/${code}/center`)).json;
const page = (p, who) => call(srv.base, 'GET', p, { auth: who ? s[who] : undefined });

/** A page form, urlencoded, with the session's CSRF field. */
const post = (who, p, fields) => call(srv.base, 'POST', p, { auth: s[who], form: { ...(s[who] && s[who].csrf ? { csrf: s[who].csrf } : {}), ...fields } });
/** A page form as multipart (the photo forms), with the CSRF field. */
function postMultipart(who, p, fields, photo) {
  const fd = new FormData();
  if (s[who] && s[who].csrf) fd.append('csrf', s[who].csrf);
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  if (photo) fd.append('photo', new Blob([photo.bytes], { type: photo.type || 'image/jpeg' }), photo.name || 'p.jpg');
  return call(srv.base, 'POST', p, { auth: s[who], body: fd, csrf: false });
}
/** A urlencoded body sent as is (bytes that a browser would not send), the CSRF token in the header. */
const postRaw = (who, p, body) => call(srv.base, 'POST', p, { auth: s[who], body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });

const DATA = { address: '甘肃省陇南市两当县站儿巷镇任河村一组18号', opening_hours: '周一至周五 8:30–12:00，14:30–18:00', phone: '0939-7260101', floor_area_m2: '320', lat: '34.03810', lng: '106.45620' };

describe('the center page links to the edit form only for those who may edit', () => {
  test('编辑 on /v/renhe/center: the center admin and the township; not a villager, a cadre, the area leader, another village', async () => {
    for (const [who, shown] of [[null, false], ['renhe-admin', true], ['township', true], ['renhe-cadre', false], ['leader', false], ['yinxing-admin', false], ['renhe-member', false]]) {
      const r = await page('/v/renhe/center', who);
      assert.equal(r.status, 200);
      assert.equal(r.text.includes('href="/v/renhe/center/edit"'), shown, `${who}`);
    }
  });

  test('GET /v/{code}/center/edit: 200 for the admin in scope; 404 for another village; 403 without the permission; 401 without login', async () => {
    const r = await page('/v/renhe/center/edit', 'renhe-admin');
    assert.equal(r.status, 200);
    for (const a of ['/v/renhe/center/data', '/v/renhe/center/areas', '/v/renhe/center/checklist', '/v/renhe/center/photos']) assert.ok(r.text.includes(`action="${a}"`), a);
    assert.match(r.text, /action="\/v\/renhe\/center\/areas\/1"/);
    assert.match(r.text, /enctype="multipart\/form-data"/);
    assert.equal((await page('/v/yinxing/center/edit', 'renhe-admin')).status, 404);
    assert.equal((await page('/v/renhe/center/edit', 'yinxing-admin')).status, 404);
    assert.equal((await page('/v/zhanerxiang/center/edit', 'township')).status, 404, 'a township has no center');
    assert.equal((await page('/v/renhe/center/edit', 'renhe-cadre')).status, 403);
    assert.equal((await page('/v/renhe/center/edit', 'leader')).status, 403);
    assert.equal((await page('/v/renhe/center/edit', 'renhe-member')).status, 403);
    assert.equal((await page('/v/renhe/center/edit')).status, 401);
  });
});

describe('the center itself: address, GPS, floor area, opening hours', () => {
  test('the admin saves the form: 303, the public page and the API show it, one audit entry by the admin', async () => {
    const a0 = await auditSeq();
    const r = await post('renhe-admin', '/v/renhe/center/data', DATA);
    assert.equal(r.status, 303, r.text.slice(0, 400));
    assert.equal(r.location, '/v/renhe/center/edit?saved=1#data');
    const pub = await page('/v/renhe/center');
    for (const t of [DATA.address, DATA.opening_hours, '320 m²', '34.03810, 106.45620']) assert.ok(pub.text.includes(t), t);
    const c = await center();
    assert.equal(c.floor_area_m2, 320);
    assert.deepEqual(c.gps, { lat: 34.0381, lng: 106.4562 });
    const rows = (await auditRows(srv.db, a0)).filter((x) => x.action === 'center.update');
    assert.equal(rows.length, 1);
    assert.equal(rows[0].actor, 'user:renhe-admin');
    const again = await page('/v/renhe/center/edit?saved=1', 'renhe-admin');
    says(again, 'Saved.');
    assert.ok(again.text.includes(`value="${DATA.address}"`));
  });

  const BAD = [
    ['a negative floor area', { floor_area_m2: '-5' }, 'An area is a whole number of square metres from 0 to 100000.'],
    ['a floor area that is not a number', { floor_area_m2: '三百' }, 'An area is a whole number of square metres from 0 to 100000.'],
    ['a floor area too large', { floor_area_m2: '100001' }, 'An area is a whole number of square metres from 0 to 100000.'],
    ['latitude out of range', { lat: '95', lng: '106' }, 'Give both the latitude (-90 to 90) and the longitude (-180 to 180) as decimal degrees, like 34.0381 and 106.4562, or leave both empty.'],
    ['longitude out of range', { lat: '34', lng: '-181' }, 'Give both the latitude (-90 to 90) and the longitude (-180 to 180) as decimal degrees, like 34.0381 and 106.4562, or leave both empty.'],
    ['latitude without longitude', { lat: '34.1', lng: '' }, 'Give both the latitude (-90 to 90) and the longitude (-180 to 180) as decimal degrees, like 34.0381 and 106.4562, or leave both empty.'],
    ['GPS as words', { lat: 'north', lng: 'east' }, 'Give both the latitude (-90 to 90) and the longitude (-180 to 180) as decimal degrees, like 34.0381 and 106.4562, or leave both empty.'],
    ['GPS with an exponent', { lat: '3.4e1', lng: '106' }, 'Give both the latitude (-90 to 90) and the longitude (-180 to 180) as decimal degrees, like 34.0381 and 106.4562, or leave both empty.'],
    ['GPS not a number', { lat: 'nan', lng: 'inf' }, 'Give both the latitude (-90 to 90) and the longitude (-180 to 180) as decimal degrees, like 34.0381 and 106.4562, or leave both empty.'],
    ['an address too long', { address: '村'.repeat(201) }, 'The text is too long.'],
    ['opening hours too long', { opening_hours: 'x'.repeat(101) }, 'The text is too long.'],
    ['a phone with letters', { phone: 'call me' }, "A phone number has only digits, spaces, '+' and '-'."],
  ];
  for (const [what, fields, msgid] of BAD) {
    test(`${what}: 400, says why, shows what was typed, changes nothing`, async () => {
      const before = await center();
      const a0 = await auditSeq();
      const r = await post('renhe-admin', '/v/renhe/center/data', { ...DATA, address: '新地址不应保存', ...fields });
      assert.equal(r.status, 400, r.text.slice(0, 300));
      says(r, msgid, what);
      for (const typed of Object.values({ address: '新地址不应保存', ...fields })) {
        assert.ok(r.text.includes(`value="${esc(typed)}"`), `${what}: the input ${typed.slice(0, 20)} is not shown again`);
      }
      assert.deepEqual(await center(), before);
      assert.equal(await auditSeq(), a0);
    });
  }

  test('malformed UTF-8 in the form: 400 with a message, nothing changed', async () => {
    const before = await center();
    const a0 = await auditSeq();
    const r = await postRaw('renhe-admin', '/v/renhe/center/data', 'address=%E6%9D&floor_area_m2=10');
    assert.equal(r.status, 400);
    says(r, 'The form could not be read (invalid characters or encoding); nothing was changed.');
    assert.deepEqual(await center(), before);
    assert.equal(await auditSeq(), a0);
  });

  test('both GPS fields empty clear the position; the floor area may be left empty (0)', async () => {
    const r = await post('renhe-admin', '/v/renhe/center/data', { ...DATA, lat: ' ', lng: '', floor_area_m2: '' });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const c = await center();
    assert.equal(c.gps, null);
    assert.equal(c.floor_area_m2, 0);
    assert.equal((await post('renhe-admin', '/v/renhe/center/data', DATA)).status, 303);
    assert.deepEqual((await center()).gps, { lat: 34.0381, lng: 106.4562 });
  });

  test('refused: another village 404 (renhe-admin on yinxing), a cadre 403, without the CSRF field 403; nothing changed', async () => {
    const before = await center('yinxing');
    assert.equal((await post('renhe-admin', '/v/yinxing/center/data', { address: '越权' })).status, 404);
    assert.equal((await post('yinxing-admin', '/v/renhe/center/data', { address: '越权' })).status, 404);
    assert.equal((await post('renhe-cadre', '/v/renhe/center/data', { address: '越权' })).status, 403);
    assert.equal((await post('leader', '/v/renhe/center/data', { address: '越权' })).status, 403);
    const nocsrf = await call(srv.base, 'POST', '/v/renhe/center/data', { auth: { cookie: s['renhe-admin'].cookie }, form: { address: '越权' } });
    assert.equal(nocsrf.status, 403);
    assert.deepEqual(await center('yinxing'), before);
    assert.equal((await center()).address, DATA.address);
    // yinxing's own admin may
    assert.equal((await post('yinxing-admin', '/v/yinxing/center/data', { address: '银杏村村委会院内' })).status, 303);
    assert.equal((await center('yinxing')).address, '银杏村村委会院内');
  });
});

describe('function areas: add, rename, remove; one room, several functions', () => {
  const rooms = async () => (await center()).function_areas;

  test('add a room serving two functions: 303; the public page lists it with both', async () => {
    const n0 = (await rooms()).length;
    const r = await post('renhe-admin', '/v/renhe/center/areas', { name: '老年活动室', area_m2: '40', fn_talk: '1', fn_other: '1' });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const list = await rooms();
    assert.equal(list.length, n0 + 1);
    assert.deepEqual(list[n0], { name: '老年活动室', area_m2: 40, functions: ['talk', 'other'], function_labels: [zh('Talk corridor / villagers\' talk room'), zh('Other use')] });
    const pub = await page('/v/renhe/center');
    assert.ok(pub.text.includes('老年活动室'));
    assert.ok(pub.text.includes(zh('Other use')));
  });

  test('rename a room and change its functions; then remove it', async () => {
    let list = await rooms();
    const n = list.findIndex((a) => a.name === '老年活动室') + 1;
    assert.ok(n > 0);
    let r = await post('renhe-admin', `/v/renhe/center/areas/${n}`, { was: '老年活动室', name: '老年人活动室', area_m2: '45', fn_party_room: '1', fn_meeting: '1', fn_other: '1', action: 'save' });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    list = await rooms();
    assert.deepEqual(list[n - 1].functions, ['party_room', 'meeting', 'other']);
    assert.equal(list[n - 1].name, '老年人活动室');
    assert.equal(list[n - 1].area_m2, 45);
    r = await post('renhe-admin', `/v/renhe/center/areas/${n}`, { was: '老年人活动室', action: 'remove' });
    assert.equal(r.status, 303);
    list = await rooms();
    assert.ok(!list.some((a) => a.name.startsWith('老年')));
    assert.ok(!(await page('/v/renhe/center')).text.includes('老年人活动室'));
  });

  test('bad rooms: no name, no function, a negative area, a name too long → 400 with the input shown; nothing changed', async () => {
    const before = await rooms();
    const a0 = await auditSeq();
    for (const [fields, msgid] of [
      [{ name: '', area_m2: '10', fn_talk: '1' }, 'This field is required.'],
      [{ name: '　 ', area_m2: '10', fn_talk: '1' }, 'This field is required.'],
      [{ name: '无功能室', area_m2: '10' }, 'Choose at least one function for the room.'],
      [{ name: '负面积室', area_m2: '-20', fn_talk: '1' }, 'An area is a whole number of square metres from 0 to 100000.'],
      [{ name: '室'.repeat(61), area_m2: '10', fn_talk: '1' }, 'The text is too long.'],
    ]) {
      const r = await post('renhe-admin', '/v/renhe/center/areas', fields);
      assert.equal(r.status, 400, JSON.stringify(fields));
      says(r, msgid, JSON.stringify(fields));
      if (fields.name.trim()) assert.ok(r.text.includes(`value="${fields.name}"`), 'the typed name is not shown again');
      if (fields.fn_talk) assert.match(r.text, /id="room-new"[\s\S]*name="fn_talk" value="1" checked/);
    }
    // a change of room 1 with a bad area shows that room's form again
    const r = await post('renhe-admin', '/v/renhe/center/areas/1', { was: before[0].name, name: '改名', area_m2: '-1', fn_talk: '1' });
    assert.equal(r.status, 400);
    assert.ok(r.text.includes('value="改名"'));
    assert.deepEqual(await rooms(), before);
    assert.equal(await auditSeq(), a0);
  });

  test('a room changed meanwhile (stale form) or gone → 409, nothing changed; another village → 404; a cadre → 403', async () => {
    const before = await rooms();
    let r = await post('renhe-admin', '/v/renhe/center/areas/1', { was: '别的名字', name: '覆盖', fn_talk: '1' });
    assert.equal(r.status, 409);
    says(r, 'The rooms were changed meanwhile; here they are as they are now. Nothing was changed.');
    r = await post('renhe-admin', `/v/renhe/center/areas/${before.length + 1}`, { was: '', action: 'remove' });
    assert.equal(r.status, 409);
    assert.equal((await post('renhe-admin', '/v/renhe/center/areas/0', { was: '', action: 'remove' })).status, 404);
    assert.equal((await post('renhe-admin', '/v/renhe/center/areas/x', { was: '', action: 'remove' })).status, 404);
    assert.equal((await post('renhe-admin', '/v/yinxing/center/areas', { name: '越权', fn_talk: '1' })).status, 404);
    assert.equal((await post('renhe-admin', '/v/yinxing/center/areas/1', { was: '便民服务大厅', action: 'remove' })).status, 404);
    assert.equal((await post('renhe-cadre', '/v/renhe/center/areas', { name: '越权', fn_talk: '1' })).status, 403);
    assert.deepEqual(await rooms(), before);
  });
});

describe('the facility checklist', () => {
  test('the admin sets an item\'s state and note: 303; only the changed item is written and audited', async () => {
    const a0 = await auditSeq();
    const r = await post('renhe-admin', '/v/renhe/center/checklist', { state_toilet: 'needs_repair', note_toilet: '水箱漏水，已报修', state_walls: 'ok', note_walls: '内外墙面已粉刷' });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const item = (await center()).checklist.find((c) => c.item === 'toilet');
    assert.equal(item.state, 'needs_repair');
    assert.equal(item.note, '水箱漏水，已报修');
    const rows = (await auditRows(srv.db, a0)).filter((x) => x.action === 'center.checklist');
    assert.equal(rows.length, 1);
    assert.deepEqual(Object.keys(JSON.parse(rows[0].after)), ['toilet'], 'the unchanged walls item was written again');
    const internal = await page('/v/renhe/center', 'renhe-cadre');
    assert.ok(internal.text.includes('水箱漏水，已报修'));
    assert.ok(!(await page('/v/renhe/center')).text.includes('水箱漏水'), 'the checklist is internal');
  });

  test('an unknown state or a note too long: 400, the typed note shown, nothing changed', async () => {
    const before = (await center()).checklist;
    const a0 = await auditSeq();
    let r = await post('renhe-admin', '/v/renhe/center/checklist', { state_toilet: 'perfect', note_toilet: '新备注' });
    assert.equal(r.status, 400);
    says(r, 'Unknown checklist item or state.');
    assert.ok(r.text.includes('value="新备注"'));
    r = await post('renhe-admin', '/v/renhe/center/checklist', { state_toilet: 'ok', note_toilet: '长'.repeat(501) });
    assert.equal(r.status, 400);
    says(r, 'The text is too long.');
    assert.deepEqual((await center()).checklist, before);
    assert.equal(await auditSeq(), a0);
    assert.equal((await post('yinxing-admin', '/v/renhe/center/checklist', { state_toilet: 'ok' })).status, 404);
  });
});

describe('center photos from the phone (multipart)', () => {
  let sha;
  test('add a photo with a caption: 303; the public page shows it; its copies are public and cacheable', async () => {
    const bytes = varied(jpeg, 'center-photo');
    const r = await postMultipart('renhe-admin', '/v/renhe/center/photos', { caption: '改造后的便民服务大厅' }, { bytes });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const photos = (await center()).photos;
    const p = photos[photos.length - 1];
    assert.equal(p.caption, '改造后的便民服务大厅');
    sha = p.sha256;
    const pub = await page('/v/renhe/center');
    assert.ok(pub.text.includes(`/uploads/${sha}/thumb`));
    assert.ok(pub.text.includes('改造后的便民服务大厅'));
    for (const u of [`/uploads/${sha}`, `/uploads/${sha}/thumb`]) {
      const res = await fetch(srv.base + u);
      assert.equal(res.status, 200, u);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    }
  });

  test('bad photos: no file, a script named photo.jpg, a caption too long → 400; nothing attached or stored', async () => {
    const before = (await center()).photos;
    const u0 = Number(await sqlScalar(srv.db, 'SELECT count(*) FROM upload'));
    let r = await postMultipart('renhe-admin', '/v/renhe/center/photos', { caption: '没有照片' });
    assert.equal(r.status, 400);
    says(r, 'Choose a photo to add.');
    assert.ok(r.text.includes('value="没有照片"'));
    r = await postMultipart('renhe-admin', '/v/renhe/center/photos', { caption: '脚本' }, { bytes: Buffer.from('#!/bin/sh\nrm -rf /\n'), name: 'photo.jpg' });
    assert.equal(r.status, 400);
    assert.match(r.text, /不是照片/);
    r = await postMultipart('renhe-admin', '/v/renhe/center/photos', { caption: '长'.repeat(101) }, { bytes: varied(jpeg, 'long-caption') });
    assert.equal(r.status, 400);
    says(r, 'The text is too long.');
    assert.deepEqual((await center()).photos, before);
    assert.equal(Number(await sqlScalar(srv.db, 'SELECT count(*) FROM upload')), u0);
    assert.equal((await postMultipart('yinxing-admin', '/v/renhe/center/photos', {}, { bytes: varied(jpeg, 'x') })).status, 404);
    assert.equal((await postMultipart('renhe-cadre', '/v/renhe/center/photos', {}, { bytes: varied(jpeg, 'y') })).status, 403);
  });

  test('remove the photo: 303; it is no longer public (404 for a villager), staff in scope still see it (private)', async () => {
    const r = await post('renhe-admin', `/v/renhe/center/photos/${sha}/remove`, {});
    assert.equal(r.status, 303);
    assert.ok(!(await center()).photos.some((p) => p.sha256 === sha));
    assert.equal((await fetch(`${srv.base}/uploads/${sha}`)).status, 404);
    const staff = await call(srv.base, 'GET', `/uploads/${sha}`, { auth: s['renhe-cadre'] });
    assert.equal(staff.status, 200);
    assert.match(staff.headers.get('cache-control'), /^private/);
    const again = await post('renhe-admin', `/v/renhe/center/photos/${sha}/remove`, {});
    assert.equal(again.status, 409);
    assert.equal((await post('renhe-admin', `/v/yinxing/center/photos/${sha}/remove`, {})).status, 404);
  });
});

describe('plaques: the add form on the center page; per-location limits on the campaign view', () => {
  const campaign = async () => (await api(srv.base, s.township, 'GET', '/api/v1/townships/zhanerxiang/plaques')).json;
  const village = (c, code) => c.villages.find((v) => v.code === code);

  test('the form is on the center page for the admin only', async () => {
    assert.ok((await page('/v/renhe/center', 'renhe-admin')).text.includes('action="/v/renhe/plaques"'));
    assert.ok(!(await page('/v/renhe/center', 'renhe-cadre')).text.includes('action="/v/renhe/plaques"'));
  });

  test('add a plaque without a real function: 303 to it; recorded with its legal basis; flagged for the clean-up', async () => {
    const r = await post('renhe-admin', '/v/renhe/plaques', { location: 'interior', name: '任河村科普活动室', issuing_body: '县科协', legal_basis: '县科协2019年通知', real_function: 'no' });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const m = /^\/v\/renhe\/center#plaque-(\d+)$/.exec(r.location);
    assert.ok(m, r.location);
    const p = (await center()).plaques.find((x) => x.id === Number(m[1]));
    assert.equal(p.name, '任河村科普活动室');
    assert.equal(p.issuing_body, '县科协');
    assert.equal(p.legal_basis, '县科协2019年通知');
    assert.equal(p.has_real_function, false);
    assert.equal(p.compliant, false);
    assert.equal(p.problem, zh('A plaque without a real function should come down.'));
    assert.equal(p.pending, 'decide');
    const page1 = await page('/v/renhe/center', 'renhe-admin');
    assert.ok(page1.text.includes(`id="plaque-${m[1]}"`));
    assert.ok(page1.text.includes('县科协2019年通知'), 'the legal basis is not shown');
  });

  test('bad plaques: empty name, unknown location, real function neither yes nor no, name too long → 400 with the input; nothing added', async () => {
    const n0 = (await center()).plaques.length;
    for (const [fields, msgid] of [
      [{ location: 'exterior', name: '', issuing_body: '某局' }, 'This field is required.'],
      [{ location: 'roof', name: '屋顶牌', issuing_body: '某局' }, 'Choose outside the door, inside or room sign.'],
      [{ location: 'exterior', name: '某牌', issuing_body: '某局', real_function: 'maybe' }, 'Say whether it has a real function.'],
      [{ location: 'exterior', name: '牌'.repeat(101), issuing_body: '某局' }, 'The text is too long.'],
      [{ location: 'exterior', name: '某牌', issuing_body: '某局', legal_basis: '据'.repeat(201) }, 'The text is too long.'],
    ]) {
      const r = await post('renhe-admin', '/v/renhe/plaques', fields);
      assert.equal(r.status, 400, JSON.stringify(fields));
      says(r, msgid, JSON.stringify(fields));
      assert.ok(r.text.includes('value="某局"'), 'the issuing body typed is not shown again');
    }
    assert.equal((await center()).plaques.length, n0);
    assert.equal((await post('renhe-admin', '/v/yinxing/plaques', { location: 'exterior', name: '越权' })).status, 404);
    assert.equal((await post('renhe-cadre', '/v/renhe/plaques', { location: 'exterior', name: '越权' })).status, 403);
    assert.equal((await post('leader', '/v/renhe/plaques', { location: 'exterior', name: '越权' })).status, 403);
    assert.equal((await center()).plaques.length, n0);
  });

  test('limits: yinxing has 4 outside (at the limit: fine); a 5th makes it one too many; removing one clears it; room signs never count', async () => {
    let c = await campaign();
    assert.equal(c.whitelist.max_exterior, 4);
    assert.equal(c.whitelist.max_interior, 4);
    let y = village(c, 'yinxing');
    assert.equal(y.exterior_count, 4);
    assert.deepEqual(y.over_limit, { exterior: 0, interior: 0 });
    // renhe: 6 outside, but the merged and the removed one do not count
    assert.equal(village(c, 'renhe').exterior_count, 4);
    assert.equal(village(c, 'renhe').over_limit.exterior, 0);
    const r = await post('yinxing-admin', '/v/yinxing/plaques', { location: 'exterior', name: '银杏村老年协会', issuing_body: '县老龄办', real_function: 'yes' });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const id = Number(r.location.split('plaque-')[1]);
    for (let i = 0; i < 3; i++) assert.equal((await post('yinxing-admin', '/v/yinxing/plaques', { location: 'room_sign', name: `门牌${i}` })).status, 303);
    c = await campaign();
    y = village(c, 'yinxing');
    assert.equal(y.exterior_count, 5);
    assert.deepEqual(y.over_limit, { exterior: 1, interior: 0 });
    assert.equal(y.excess, 1);
    assert.ok(c.totals.villages_over_limit >= 1);
    const pg = await page('/t/zhanerxiang/plaques', 'township');
    assert.equal(pg.status, 200);
    says(pg, 'Villages over the limit');
    assert.match(pg.text, /id="left-yinxing"[\s\S]*?class="over-limit"/);
    // on a phone the rows stack without the header: each count says which column it is
    assert.doesNotMatch(pg.text, /<td>\d+<\/td>/);
    assert.match(pg.text, new RegExp(`<a href="/v/yinxing/center#plaques">[^<]*</a></td><td data-label="${esc(zh('Plaques on record'))}">\\d+</td>`));
    assert.ok(pg.text.includes(`<td data-label="${esc(zh('Over the limit'))}">1</td>`));
    // removing it (decided remove): no longer counted
    const d = await api(srv.base, s['yinxing-admin'], 'POST', `/api/v1/plaques/${id}/decision`, { decision: 'remove', reason: '无实际职能' });
    assert.equal(d.status, 200, d.text);
    y = village(await campaign(), 'yinxing');
    assert.equal(y.exterior_count, 4);
    assert.equal(y.excess, 0);
  });
});

describe('the township edits its plaque lists and limits on the campaign page', () => {
  const wl = async () => (await api(srv.base, s.township, 'GET', '/api/v1/townships/zhanerxiang/plaques')).json;

  test('the form is there for the township admin (PERM_UPGRADE_MANAGE), with the present lists, one name per line', async () => {
    const r = await page('/t/zhanerxiang/plaques', 'township');
    assert.ok(r.text.includes('action="/t/zhanerxiang/plaque-whitelist"'));
    assert.match(r.text, /<textarea name="exterior"[^>]*>[^<]*村民委员会\n/);
    assert.ok(r.text.includes('name="max_exterior" inputmode="numeric" value="4"'));
  });

  test('save lists and limits: 303; compliance and the limits follow (3 outside: renhe and yinxing one too many)', async () => {
    const a0 = await auditSeq();
    const r = await post('township', '/t/zhanerxiang/plaque-whitelist', {
      exterior: '支部委员会\r\n党支部\r\n村民委员会\r\n　村务监督委员会　\r\n\r\n经济合作社\r\n党群服务中心\r\n',
      interior: '新时代文明实践站\n农家书屋\n综治中心\n退役军人服务站\n调解委员会',
      max_exterior: '3', max_interior: '4',
    });
    assert.equal(r.status, 303, r.text.replace(/<[^>]+>/g, ' ').slice(0, 600));
    assert.equal(r.location, '/t/zhanerxiang/plaques?saved=1#whitelist');
    const c = await wl();
    assert.equal(c.whitelist.configured, true);
    assert.deepEqual(c.whitelist.exterior, ['支部委员会', '党支部', '村民委员会', '村务监督委员会', '经济合作社', '党群服务中心']);
    assert.equal(c.whitelist.max_exterior, 3);
    assert.deepEqual(c.villages.find((v) => v.code === 'renhe').over_limit, { exterior: 1, interior: 0 });
    assert.deepEqual(c.villages.find((v) => v.code === 'yinxing').over_limit, { exterior: 1, interior: 0 });
    const [row] = (await auditRows(srv.db, a0)).filter((x) => x.action === 'plaque.whitelist');
    assert.equal(row.actor, 'user:township');
    assert.equal(JSON.parse(row.after).max_exterior, 3);
    const pg = await page('/t/zhanerxiang/plaques', 'township');
    assert.match(pg.text, /id="left-renhe"[\s\S]*?class="over-limit"/);
  });

  test('bad lists and limits: a name twice, a name too long, a limit of 21 or -1 or words, more than 40 names → 400 with the input; nothing changed', async () => {
    const before = (await wl()).whitelist;
    const a0 = await auditSeq();
    const ok = { exterior: '村民委员会\n党支部', interior: '农家书屋', max_exterior: '4', max_interior: '4' };
    for (const [fields, msgid, typed] of [
      [{ exterior: '村民委员会\n党支部\n村民委员会' }, 'A name is listed twice.', '党支部'],
      [{ interior: `农家书屋\n${'长'.repeat(51)}` }, 'A name is longer than 50 characters.', '农家书屋'],
      [{ max_exterior: '21' }, 'A limit is a whole number from 0 to 20.', '21'],
      [{ max_interior: '-1' }, 'A limit is a whole number from 0 to 20.', '-1'],
      [{ max_exterior: '四' }, 'A limit is a whole number from 0 to 20.', '四'],
      [{ max_exterior: '' }, 'A limit is a whole number from 0 to 20.', '党支部'],
      [{ exterior: Array.from({ length: 41 }, (_, i) => `牌${i}`).join('\n') }, 'At most 40 names per list.', '牌40'],
    ]) {
      const r = await post('township', '/t/zhanerxiang/plaque-whitelist', { ...ok, ...fields });
      assert.equal(r.status, 400, JSON.stringify(fields));
      says(r, msgid, JSON.stringify(fields));
      assert.ok(r.text.includes(typed), `the input ${typed} is not shown again`);
    }
    const dup = await post('township', '/t/zhanerxiang/plaque-whitelist', { ...ok, exterior: '村民委员会\n党支部\n村民委员会' });
    assert.ok(dup.text.includes('第 3 行'), 'the line is not named');
    const bad = await postRaw('township', '/t/zhanerxiang/plaque-whitelist', 'exterior=%FF&interior=&max_exterior=4&max_interior=4');
    assert.equal(bad.status, 400);
    says(bad, 'The form could not be read (invalid characters or encoding); nothing was changed.');
    assert.deepEqual((await wl()).whitelist, before);
    assert.equal(await auditSeq(), a0);
  });

  test('refused: a center admin and the area leader 403 (no PERM_UPGRADE_MANAGE); a township out of scope 404', async () => {
    const f = { exterior: '村民委员会', interior: '', max_exterior: '4', max_interior: '4' };
    assert.equal((await post('renhe-admin', '/t/zhanerxiang/plaque-whitelist', f)).status, 403);
    assert.equal((await post('leader', '/t/zhanerxiang/plaque-whitelist', f)).status, 403);
    assert.equal((await post('township', '/t/liangdang/plaque-whitelist', f)).status, 404);
    assert.equal((await post('township', '/t/renhe/plaque-whitelist', f)).status, 404);
    // and back to the defaults of §7 for what follows
    const r = await post('county', '/t/zhanerxiang/plaque-whitelist', {
      exterior: '支部委员会\n党支部\n党总支\n党委\n村民委员会\n居民委员会\n村务监督委员会\n经济合作社\n股份经济合作社\n党群服务中心',
      interior: '新时代文明实践站\n农家书屋\n综治中心\n矛盾调解\n调解委员会\n退役军人服务站', max_exterior: '4', max_interior: '4',
    });
    assert.equal(r.status, 303);
  });

  test('the API keeps a limit that is not given, and refuses one out of range', async () => {
    let r = await api(srv.base, s.township, 'PUT', '/api/v1/townships/zhanerxiang/plaque-whitelist', { exterior: ['村民委员会'], interior: [], max_exterior: 2 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.max_exterior, 2);
    assert.equal(r.json.max_interior, 4);
    r = await api(srv.base, s.township, 'PUT', '/api/v1/townships/zhanerxiang/plaque-whitelist', { exterior: ['村民委员会'], interior: [], max_interior: 21 });
    assert.equal(r.status, 400);
    r = await api(srv.base, s.township, 'PUT', '/api/v1/townships/zhanerxiang/plaque-whitelist', { exterior: ['村民委员会'], interior: [] });
    assert.equal(r.json.max_exterior, 2, 'a limit not given changed');
  });
});

describe('who may see an upload\'s copies', () => {
  const get = (p, who, headers = {}) => call(srv.base, 'GET', p, { auth: who ? s[who] : undefined, headers });

  test('a photo not attached to anything (uploaded for renhe): staff of renhe, the township and the uploader; 404 for anyone else', async () => {
    const up = await upload(srv.base, s['renhe-cadre'], varied(jpeg, 'loose'));
    assert.equal(up.status, 201, up.text);
    for (const p of [up.json.url, up.json.thumb_url]) {
      for (const [who, status] of [[null, 404], ['renhe-member', 404], ['yinxing-admin', 404], ['renhe-cadre', 200], ['renhe-admin', 200], ['leader', 200], ['township', 200], ['county', 200]]) {
        const r = await get(p, who);
        assert.equal(r.status, status, `${p} as ${who}`);
        if (status === 200) assert.equal(r.headers.get('cache-control'), 'private, max-age=3600', `${p} as ${who}`);
      }
      // the ETag does not open the door either
      const etag = (await get(p, 'renhe-cadre')).headers.get('etag');
      assert.equal((await get(p, null, { 'If-None-Match': etag })).status, 404);
    }
  });

  test('a photo uploaded without a village (ownership not recorded): any logged-in staff user; not a party member, not anonymous', async () => {
    const up = await upload(srv.base, s['renhe-cadre'], varied(jpeg, 'nowhere'), { village: null });
    assert.equal(up.status, 201, up.text);
    for (const [who, status] of [[null, 404], ['renhe-member', 404], ['yinxing-admin', 200], ['renhe-cadre', 200], ['leader', 200]]) {
      assert.equal((await get(up.json.url, who)).status, status, `${who}`);
    }
  });

  test('a receipt photo (spending) is not public: 404 for a villager and another village, 200 for the township', async () => {
    const pid = await projectOf(srv.db, await demoFundId(srv.db), 'gaoping');
    const r = await postMultipart('township', `/projects/${pid}/spending`, { amount: '1.00', payee: '五金店' }, { bytes: varied(jpeg, 'receipt-privacy') });
    assert.equal(r.status, 303, r.text.replace(/<[^>]+>/g, ' ').slice(0, 400));
    const receipt = await sqlScalar(srv.db, `SELECT receipt_sha FROM reno_spend WHERE project_id = ${pid} ORDER BY id DESC LIMIT 1`);
    assert.match(receipt, /^[0-9a-f]{64}$/);
    for (const p of [`/uploads/${receipt}`, `/uploads/${receipt}/thumb`]) {
      assert.equal((await get(p)).status, 404);
      assert.equal((await get(p, 'yinxing-admin')).status, 404);
      assert.equal((await get(p, 'renhe-admin')).status, 404);
      assert.equal((await get(p, 'township')).status, 200);
    }
  });

  test('a finding photo is not public: 404 anonymous, 200 for the area leader and the village', async () => {
    const fd = new FormData();
    fd.append('csrf', s.leader.csrf);
    for (const [k, v] of Object.entries({ village: 'renhe', summary: '查看', finding: '门口台阶破损', owner: 'renhe-admin', days: '7' })) fd.append(k, v);
    fd.append('photo', new Blob([varied(jpeg, 'finding-privacy')], { type: 'image/jpeg' }), 'f.jpg');
    const r = await call(srv.base, 'POST', '/inspections', { auth: s.leader, body: fd, csrf: false });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const photo = await sqlScalar(srv.db, 'SELECT photo_sha FROM finding ORDER BY id DESC LIMIT 1');
    assert.equal((await get(`/uploads/${photo}`)).status, 404);
    assert.equal((await get(`/uploads/${photo}`, 'yinxing-admin')).status, 404);
    assert.equal((await get(`/uploads/${photo}`, 'leader')).status, 200);
    assert.equal((await get(`/uploads/${photo}`, 'renhe-admin')).status, 200);
  });

  test('a center photo set through the API is public at once', async () => {
    const up = await upload(srv.base, s['renhe-admin'], varied(jpeg, 'api-center'));
    const photos = (await center()).photos.map((p) => ({ sha256: p.sha256, caption: p.caption }));
    assert.equal((await get(up.json.url)).status, 404);
    const r = await api(srv.base, s['renhe-admin'], 'PATCH', '/api/v1/villages/renhe/center', { photos: [...photos, { sha256: up.json.sha256, caption: '门口' }] });
    assert.equal(r.status, 200, r.text);
    const pub = await get(up.json.url);
    assert.equal(pub.status, 200);
    assert.equal(pub.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  });
});
