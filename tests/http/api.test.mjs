// api.test.mjs — health, metrics, the org API, JSON errors, 405, security headers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rawRequest, rawGet, securityHeaderProblems, startServer, stopServer } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(() => stopServer(srv));

const get = (p, init) => fetch(srv.base + p, { redirect: 'manual', ...init });

/** Assert a response is exactly the JSON error shape and return its error object. */
async function assertJsonError(res, status, code) {
  assert.equal(res.status, status);
  assert.match(res.headers.get('content-type') || '', /^application\/json\b/);
  const body = await res.json();
  assert.deepEqual(Object.keys(body), ['error'], `error body: ${JSON.stringify(body)}`);
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message'], `error body: ${JSON.stringify(body)}`);
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0, 'error message is empty');
  return body.error;
}

describe('health and metrics', () => {
  test('GET /healthz answers 200 {"status":"ok"}', async () => {
    const res = await get('/healthz');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/json\b/);
    const body = await res.json();
    assert.equal(body.status, 'ok');
  });

  test('GET /metrics counts requests by route and status, with a histogram and the db error counter', async () => {
    assert.equal((await get('/healthz')).status, 200);
    // The counter is updated when the response has been sent; allow it a moment.
    let text = '';
    let res;
    for (let i = 0; i < 20; i++) {
      res = await get('/metrics');
      text = await res.text();
      if (text.includes('zhendi_http_requests_total{route="GET /healthz",status="200"}')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/plain\b/);
    assert.match(text, /^zhendi_http_requests_total\{route="GET \/healthz",status="200"\} [1-9]\d*$/m);
    assert.match(text, /^# TYPE zhendi_http_request_duration_seconds histogram$/m);
    const buckets = [...text.matchAll(/^zhendi_http_request_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)];
    assert.ok(buckets.length >= 2, 'histogram buckets missing');
    assert.equal(buckets.at(-1)[1], '+Inf');
    for (let i = 1; i < buckets.length; i++)
      assert.ok(Number(buckets[i][2]) >= Number(buckets[i - 1][2]), 'histogram buckets are not cumulative');
    const count = /^zhendi_http_request_duration_seconds_count (\d+)$/m.exec(text);
    assert.ok(count, 'histogram _count missing');
    assert.match(text, /^zhendi_http_request_duration_seconds_sum [\d.]+$/m);
    assert.equal(Number(buckets.at(-1)[2]), Number(count[1]), '+Inf bucket differs from _count');
    assert.match(text, /^zhendi_db_errors_total \d+$/m);
    // the heap, for telling a leak (in_use grows) from fragmentation (free grows);
    // a sanitizer build has its own allocator and no such figures
    if (!process.env.ZHENDI_SANITIZED) {
      const inUse = /^zhendi_heap_bytes\{kind="in_use"\} (\d+)$/m.exec(text);
      assert.ok(inUse && Number(inUse[1]) > 100000, 'heap in use missing or implausible');
      assert.match(text, /^zhendi_heap_bytes\{kind="free"\} \d+$/m);
    }
    // SQLite's page-cache region (SQLite only)
    if (!process.env.ZHENDI_TEST_PG) assert.match(text, /^zhendi_sqlite_page_lines_bytes\{kind="reserved"\} [1-9]\d*$/m);
  });
});

describe('org API', () => {
  test('GET /api/v1/orgs/zhanerxiang: the township, its county and its 8 villages', async () => {
    const res = await get('/api/v1/orgs/zhanerxiang');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/json\b/);
    const o = await res.json();
    assert.equal(o.code, 'zhanerxiang');
    assert.equal(o.kind, 'township');
    assert.equal(o.name, '站儿巷镇');
    assert.equal(o.parent, 'liangdang');
    assert.ok(Array.isArray(o.children));
    // 8 villages; other kinds of child (e.g. the township's Party committee) may sit beside them
    const villages = o.children.filter((c) => c.kind === 'village');
    assert.equal(villages.length, 8, `children: ${o.children.map((c) => `${c.code}:${c.kind}`).join(' ')}`);
    const codes = villages.map((c) => c.code);
    for (const c of ['renhe', 'yinxing', 'dashan', 'gaoping', 'baiyang', 'shimen', 'xinzhuang', 'miaoping'])
      assert.ok(codes.includes(c), `village ${c} missing`);
    for (const c of o.children) {
      assert.equal(typeof c.code, 'string');
      assert.equal(typeof c.kind, 'string');
      assert.equal(typeof c.name, 'string');
    }
  });

  test('GET /api/v1/orgs/renhe has its center', async () => {
    const res = await get('/api/v1/orgs/renhe');
    assert.equal(res.status, 200);
    const o = await res.json();
    assert.equal(o.code, 'renhe');
    assert.equal(o.kind, 'village');
    assert.equal(o.name, '任河村');
    assert.equal(o.parent, 'zhanerxiang');
    assert.ok(o.center, 'no center');
    assert.equal(o.center.name, '任河村党群服务中心');
    assert.equal(o.center.address, '站儿巷镇任河村村委会院内');
    assert.ok(o.center.opening_hours);
  });

  test('GET /api/v1/orgs/liangdang: the county has no parent', async () => {
    const o = await (await get('/api/v1/orgs/liangdang')).json();
    assert.equal(o.kind, 'county');
    assert.equal(o.parent, null);
    assert.deepEqual(o.children.map((c) => c.code), ['zhanerxiang']);
  });

  test('unknown org → 404 {"error":{"code":"not_found","message":...}}', async () => {
    await assertJsonError(await get('/api/v1/orgs/nosuch'), 404, 'not_found');
  });

  test('unknown API path → 404 JSON', async () => {
    await assertJsonError(await get('/api/v1/whatever'), 404, 'not_found');
    await assertJsonError(await get('/api/v1/orgs/renhe/extra'), 404, 'not_found');
  });

  test('malformed org code /api/v1/orgs/BAD%20CODE → 404 JSON', async () => {
    await assertJsonError(await get('/api/v1/orgs/BAD%20CODE'), 404, 'not_found');
    // the same without anything normalising the request line
    const r = await rawRequest(srv.port, rawGet('/api/v1/orgs/BAD%20CODE'));
    assert.equal(r.status, 404);
    assert.equal(JSON.parse(r.text()).error.code, 'not_found');
  });
});

describe('405 Method Not Allowed', () => {
  test('POST /healthz → 405, Allow: GET, HEAD, JSON error', async () => {
    const res = await get('/healthz', { method: 'POST', body: 'x' });
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
    await assertJsonError(res, 405, 'method_not_allowed');
  });

  test('DELETE /api/v1/orgs/renhe → 405 JSON', async () => {
    const res = await get('/api/v1/orgs/renhe', { method: 'DELETE' });
    const allow = (res.headers.get('allow') || '').split(/,\s*/);
    assert.ok(allow.includes('GET') && allow.includes('HEAD') && !allow.includes('DELETE'), `Allow: ${allow}`);
    await assertJsonError(res, 405, 'method_not_allowed');
  });

  test('POST / → 405 as a Chinese HTML page', async () => {
    const res = await get('/', { method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
    assert.match(res.headers.get('content-type'), /^text\/html\b/);
    const html = await res.text();
    assert.match(html, /<html lang="zh-CN"/);
    assert.ok(html.includes('此处不允许该请求方法'), 'Chinese 405 title missing');
  });
});

describe('security headers', () => {
  const cases = [
    ['a page', '/', {}],
    ['a village page', '/v/renhe', {}],
    ['an HTML 404', '/v/nosuch', {}],
    ['an API answer', '/api/v1/orgs/renhe', {}],
    ['an API error', '/api/v1/orgs/nosuch', {}],
    ['a 405', '/healthz', { method: 'POST', body: '' }],
    ['a static file', '/static/style.css', {}],
    ['a redirect', '/lang/en?next=/', {}],
    ['the metrics', '/metrics', {}],
  ];
  for (const [what, p, init] of cases) {
    test(`on ${what} (${init.method || 'GET'} ${p})`, async () => {
      const res = await get(p, init);
      await res.arrayBuffer();
      assert.deepEqual(securityHeaderProblems((h) => res.headers.get(h)), []);
    });
  }

  test('on a 400 and a 304 (raw requests)', async () => {
    const bad = await rawRequest(srv.port, rawGet('/?q=%FF'));
    assert.equal(bad.status, 400);
    assert.deepEqual(securityHeaderProblems((h) => bad.headers[h]), []);
    const etag = (await get('/static/style.css')).headers.get('etag');
    const nm = await rawRequest(srv.port, rawGet('/static/style.css', { headers: { 'If-None-Match': etag } }));
    assert.equal(nm.status, 304);
    assert.deepEqual(securityHeaderProblems((h) => nm.headers[h]), []);
  });
});
