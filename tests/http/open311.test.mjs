// Open311 GeoReport v2 at /open311/v2/ (issue 5, item 8): discovery, services,
// service definitions, POST requests with an api_key, GET requests with the
// spec's filters, GET requests/{id}; JSON and XML; the spec's error format; and
// the public/internal boundary (no description, address or answer without a key).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer } from './lib.mjs';
import { call, createToken, login, sqlOk } from './auth_lib.mjs';

let srv, cadre, yinxing;
before(async () => {
  srv = await startServer({ args: ['--public-rate', '100000'] });
  cadre = (await createToken(srv.base, await login(srv.base, 'renhe-cadre'), 'o311')).token;
  yinxing = (await createToken(srv.base, await login(srv.base, 'yinxing-admin'), 'o311')).token;
});
after(() => stopServer(srv));

/** A minimal XML well-formedness check: balanced tags, no raw control characters, no bare '&' or '<'. */
function assertWellFormedXml(text) {
  assert.match(text, /^<\?xml version="1\.0" encoding="utf-8"\?>/);
  assert.doesNotMatch(text, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/, 'raw control characters');
  assert.doesNotMatch(text, /&(?!amp;|lt;|gt;|quot;|#39;)/, 'a bare &');
  const stack = [];
  for (const m of text.replace(/^<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([A-Za-z_][\w.-]*)[^>]*?(\/?)>|<(?![/A-Za-z_])/g)) {
    assert.ok(m[2], 'a bare <');
    if (m[3]) continue;
    if (m[1]) assert.equal(stack.pop(), m[2], `mismatched </${m[2]}>`);
    else stack.push(m[2]);
  }
  assert.equal(stack.length, 0, `unclosed: ${stack.join(',')}`);
}

const post = (fields) => call(srv.base, 'POST', '/open311/v2/requests.json', { form: fields });

describe('discovery, services and definitions', () => {
  test('discovery in JSON and XML lists the v2 endpoint with both formats', async () => {
    const j = await call(srv.base, 'GET', '/open311/v2/discovery.json');
    assert.equal(j.status, 200);
    assert.deepEqual(j.json.endpoints[0].formats, ['text/xml', 'application/json']);
    const x = await call(srv.base, 'GET', '/open311/v2/discovery.xml');
    assert.equal(x.status, 200);
    assert.match(x.headers.get('content-type'), /^text\/xml/);
    assertWellFormedXml(x.text);
    assert.match(x.text, /<endpoints><endpoint>.*<formats><format>text\/xml<\/format>/);
  });

  test('services are the three kinds, realtime, with metadata', async () => {
    const r = await call(srv.base, 'GET', '/open311/v2/services.json');
    assert.deepEqual(r.json.map((s) => s.service_code), ['village', 'neighbour', 'family']);
    for (const s of r.json) {
      assert.equal(s.type, 'realtime');
      assert.equal(s.metadata, true);
      assert.ok(s.service_name);
    }
    const x = await call(srv.base, 'GET', '/open311/v2/services.xml');
    assertWellFormedXml(x.text);
    assert.equal((x.text.match(/<service>/g) || []).length, 3);
  });

  test('a service definition has the required village attribute with the villages as values', async () => {
    const r = await call(srv.base, 'GET', '/open311/v2/services/village.json');
    assert.equal(r.status, 200);
    const a = r.json.attributes[0];
    assert.equal(a.code, 'village');
    assert.equal(a.required, true);
    assert.equal(a.datatype, 'singlevaluelist');
    assert.ok(a.values.some((v) => v.key === 'renhe' && v.name === '任河村'));
    const j = await call(srv.base, 'GET', '/open311/v2/services/village.json?jurisdiction_id=zhanerxiang');
    assert.equal(j.json.attributes[0].values.length, 8);
  });

  test('unknown service, format or jurisdiction: the spec error format with 404', async () => {
    const a = await call(srv.base, 'GET', '/open311/v2/services/roads.json');
    assert.equal(a.status, 404);
    assert.equal(a.json[0].code, 404);
    assert.ok(a.json[0].description);
    const b = await call(srv.base, 'GET', '/open311/v2/services.json?jurisdiction_id=nowhere');
    assert.equal(b.status, 404);
    const c = await call(srv.base, 'GET', '/open311/v2/services/roads.xml');
    assert.equal(c.status, 404);
    assertWellFormedXml(c.text);
    assert.match(c.text, /<errors><error><code>404<\/code><description>/);
  });
});

describe('POST requests', () => {
  test('with a cadre\'s api_key: 201, service_request_id and the tracking code in service_notice', async () => {
    const r = await post({ api_key: cadre, service_code: 'neighbour', 'attribute[village]': 'renhe', description: '开放接口：邻居的狗夜里一直叫', address_string: '四组', first_name: '明', last_name: '李', phone: '13912345678' });
    assert.equal(r.status, 201, r.text);
    assert.match(r.json[0].service_request_id, /^\d{6}-\d{4}$/);
    assert.match(r.json[0].service_notice, /[A-Z2-9]{4}-[A-Z2-9]{4}/);
    assert.equal(r.json[0].token, undefined, 'service_request_id or token, never both');
    const row = await sqlOk(srv.db, `SELECT kind, place, raiser_name FROM appeal WHERE number = '${r.json[0].service_request_id}'`);
    assert.deepEqual(row, ['neighbour|四组|李明']);
  });

  test('a missing, wrong or out-of-village api_key: 403; nothing stored', async () => {
    const before = await sqlOk(srv.db, 'SELECT count(*) FROM appeal');
    const base = { service_code: 'village', 'attribute[village]': 'renhe', description: 'x', address_string: 'y' };
    assert.equal((await post(base)).status, 403);
    assert.equal((await post({ ...base, api_key: 'zd_forged' })).status, 403);
    assert.equal((await post({ ...base, api_key: yinxing })).status, 403); // yinxing's admin, renhe's village
    assert.deepEqual(await sqlOk(srv.db, 'SELECT count(*) FROM appeal'), before);
  });

  test('bad input: 400 in the spec format; nothing stored', async () => {
    const before = await sqlOk(srv.db, 'SELECT count(*) FROM appeal');
    const ok = { api_key: cadre, service_code: 'village', 'attribute[village]': 'renhe', description: '路面塌陷', address_string: '二组' };
    for (const [what, fields] of [
      ['no village', { ...ok, 'attribute[village]': '' }],
      ['unknown service_code', { ...ok, service_code: 'roads' }],
      ['no location', { ...ok, address_string: '' }],
      ['empty description', { ...ok, description: '' }],
    ]) {
      const r = await post(fields);
      assert.ok(r.status === 400 || r.status === 403, `${what}: ${r.status}`);
      assert.equal(r.json[0].code, r.status, what);
    }
    assert.deepEqual(await sqlOk(srv.db, 'SELECT count(*) FROM appeal'), before);
  });

  test('a 100-character Chinese address is kept whole', async () => {
    const addr = '站'.repeat(100);
    const r = await post({ api_key: cadre, service_code: 'village', 'attribute[village]': 'renhe', description: '长地址', address_string: addr });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(await sqlOk(srv.db, `SELECT place FROM appeal WHERE number = '${r.json[0].service_request_id}'`), [addr]);
  });
});

describe('GET requests', () => {
  let number;
  before(async () => {
    const r = await post({ api_key: cadre, service_code: 'family', 'attribute[village]': 'renhe', description: '控制字符\u0007测试 & <标签>', address_string: '五组' });
    assert.equal(r.status, 201, r.text);
    number = r.json[0].service_request_id;
  });

  test('without a key: the public summary only (no description, address or answer)', async () => {
    const r = await call(srv.base, 'GET', `/open311/v2/requests/${number}.json`);
    assert.equal(r.status, 200);
    const q = r.json[0];
    assert.equal(q.service_request_id, number);
    assert.equal(q.status, 'open');
    assert.equal(q.service_code, 'family');
    assert.equal(q.agency_responsible, '任河村');
    for (const k of ['description', 'address', 'status_notes']) assert.equal(q[k], undefined, k);
    assert.doesNotMatch(r.text, /控制字符|五组/);
  });

  test('with the village cadre\'s key: description and address too; XML stays well-formed', async () => {
    const r = await call(srv.base, 'GET', `/open311/v2/requests/${number}.json?api_key=${cadre}`);
    assert.match(r.json[0].description, /控制字符/);
    assert.equal(r.json[0].address, '五组');
    const x = await call(srv.base, 'GET', `/open311/v2/requests/${number}.xml?api_key=${cadre}`);
    assert.equal(x.status, 200);
    assertWellFormedXml(x.text);
    assert.match(x.text, /<description>控制字符测试 &amp; &lt;标签&gt;<\/description>/);
    const other = await call(srv.base, 'GET', `/open311/v2/requests/${number}.json?api_key=${yinxing}`);
    assert.equal(other.json[0].description, undefined, 'another village\'s key sees the public summary');
  });

  test('filters: status, service_code (exact), jurisdiction, dates (≤ 90 days), service_request_id', async () => {
    const all = await call(srv.base, 'GET', '/open311/v2/requests.json');
    assert.ok(all.json.some((q) => q.service_request_id === number));
    const closed = await call(srv.base, 'GET', '/open311/v2/requests.json?status=closed');
    assert.ok(closed.json.length > 0 && closed.json.every((q) => q.status === 'closed'));
    const open = await call(srv.base, 'GET', '/open311/v2/requests.json?status=open');
    assert.ok(open.json.every((q) => q.status === 'open'));
    const fam = await call(srv.base, 'GET', '/open311/v2/requests.json?service_code=family');
    assert.ok(fam.json.length > 0 && fam.json.every((q) => q.service_code === 'family'));
    const near = await call(srv.base, 'GET', '/open311/v2/requests.json?service_code=familyx');
    assert.deepEqual(near.json, [], 'service_code matches exactly');
    const yin = await call(srv.base, 'GET', '/open311/v2/requests.json?jurisdiction_id=yinxing');
    assert.ok(yin.json.every((q) => q.agency_responsible === '银杏村'));
    const day = new Date(Date.now() - 86400e3).toISOString().slice(0, 19) + 'Z';
    const recent = await call(srv.base, 'GET', `/open311/v2/requests.json?start_date=${day}`);
    assert.ok(recent.json.some((q) => q.service_request_id === number));
    const tooLong = await call(srv.base, 'GET', '/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z');
    assert.equal(tooLong.status, 400);
    const bad = await call(srv.base, 'GET', '/open311/v2/requests.json?start_date=yesterday');
    assert.equal(bad.status, 400);
    const ids = await call(srv.base, 'GET', `/open311/v2/requests.json?service_request_id=${number},999999-9999`);
    assert.deepEqual(ids.json.map((q) => q.service_request_id), [number]);
  });

  test('service_request_id finds an old case however many came after it', async () => {
    const oldest = (await sqlOk(srv.db, 'SELECT number FROM appeal ORDER BY created_at LIMIT 1'))[0];
    await sqlOk(srv.db, `UPDATE appeal SET created_at = created_at - 200 * 86400 WHERE number = '${oldest}'`);
    const r = await call(srv.base, 'GET', `/open311/v2/requests.json?service_request_id=${oldest}`);
    assert.deepEqual(r.json.map((q) => q.service_request_id), [oldest]);
  });

  test('unknown id: 404 in JSON and XML', async () => {
    const a = await call(srv.base, 'GET', '/open311/v2/requests/999999-9999.json');
    assert.equal(a.status, 404);
    assert.equal(a.json[0].code, 404);
    const b = await call(srv.base, 'GET', '/open311/v2/requests/999999-9999.xml');
    assert.equal(b.status, 404);
    assertWellFormedXml(b.text);
  });
});
