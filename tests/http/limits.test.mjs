// limits.test.mjs — request limits, bad input, static files, path traversal,
// keep-alive and HEAD, sent over raw sockets where fetch would normalise or refuse.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rawConnect, rawGet, rawRequest, startServer, stopServer } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(() => stopServer(srv));

const get = (p, init) => fetch(srv.base + p, { redirect: 'manual', ...init });
const MIB = 1024 * 1024;

async function stillServing() {
  const res = await get('/healthz');
  assert.equal(res.status, 200, 'the server stopped answering /healthz');
  assert.equal((await res.json()).status, 'ok');
}

/**
 * POST `total` bytes to `path` in 64 KiB pieces, as Content-Length or chunked,
 * stopping as soon as the server answers or closes. Resolves
 * { res (or null), err, sent, closed }.
 */
async function postBig(path, total, { chunked = false } = {}) {
  const c = await rawConnect(srv.port, { timeoutMs: 15000 });
  const head = chunked
    ? `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n`
    : `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: ${total}\r\n\r\n`;
  await c.send(head);
  const piece = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  while (sent < total && !c.pending() && !c.closed) {
    const n = Math.min(piece.length, total - sent);
    const data = chunked
      ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), piece.subarray(0, n), Buffer.from('\r\n')])
      : piece.subarray(0, n);
    if (!(await c.send(data))) break;
    sent += n;
    await new Promise((r) => setImmediate(r));
  }
  if (chunked && sent >= total && !c.closed) await c.send('0\r\n\r\n');
  let res = null, err = null;
  try {
    res = await c.readResponse({ timeout: 10000 });
  } catch (e) {
    err = e;
  }
  const closed = c.closed;
  c.close();
  return { res, err, sent, closed };
}

function assert413(r, what) {
  assert.ok(r.res, `${what}: no HTTP response at all, the connection was just closed after ${r.sent} body bytes (${r.err && r.err.message})`);
  assert.equal(r.res.status, 413, what);
  const body = JSON.parse(r.res.text());
  assert.equal(body.error.code, 'too_large');
}

describe('413 Payload Too Large (default --max-body 1 MiB)', () => {
  test('a body of exactly 1 MiB is accepted (405 for POST /healthz, not 413)', async () => {
    const r = await postBig('/healthz', MIB);
    assert.ok(r.res, `no response (${r.err && r.err.message})`);
    assert.equal(r.res.status, 405);
    await stillServing();
  });

  test('Content-Length of 1 MiB + 1 → 413 JSON', async () => {
    assert413(await postBig('/api/v1/orgs/renhe', MIB + 1), 'Content-Length: 1048577');
    await stillServing();
  });

  test('Content-Length of 4 MiB → 413 reaches the client', async () => {
    const r = await postBig('/api/v1/orgs/renhe', 4 * MIB);
    assert413(r, 'Content-Length: 4194304');
    await stillServing();
  });

  test('a chunked body (no Content-Length) above 1 MiB → 413', async () => {
    assert413(await postBig('/api/v1/orgs/renhe', MIB + 64 * 1024, { chunked: true }), 'chunked 1.06 MiB');
    await stillServing();
  });

  test('an oversized page form post → 413 HTML page', async () => {
    const r = await postBig('/', 2 * MIB);
    assert.ok(r.res, `no HTTP response at all after ${r.sent} body bytes (${r.err && r.err.message})`);
    assert.equal(r.res.status, 413);
    assert.match(r.res.headers['content-type'] || '', /^text\/html\b/);
    assert.ok(r.res.text().includes('提交的内容过大'));
  });

  test('the server keeps serving after oversized bodies', async () => {
    await postBig('/api/v1/orgs/renhe', 2 * MIB);
    await postBig('/api/v1/orgs/renhe', 2 * MIB, { chunked: true });
    await stillServing();
    const res = await get('/api/v1/orgs/renhe');
    assert.equal(res.status, 200);
  });
});

describe('bad input → 400', () => {
  test('GET /?q=%FF (percent-encoded invalid UTF-8) → 400', async () => {
    const r = await rawRequest(srv.port, rawGet('/?q=%FF'));
    assert.equal(r.status, 400);
    assert.match(r.headers['content-type'], /^text\/html\b/);
    assert.ok(r.text().includes('请求无效'));
    await stillServing();
  });

  test('raw 0xFF bytes in the query of the request line → 400', async () => {
    const req = Buffer.concat([
      Buffer.from('GET /?q='), Buffer.from([0xff, 0xfe]), Buffer.from(' HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
    ]);
    const r = await rawRequest(srv.port, req);
    assert.equal(r.status, 400);
    await stillServing();
  });

  test('raw 0xFF byte in the path → 400', async () => {
    const req = Buffer.concat([
      Buffer.from('GET /v/'), Buffer.from([0xff]), Buffer.from(' HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
    ]);
    const r = await rawRequest(srv.port, req);
    assert.equal(r.status, 400);
    await stillServing();
  });

  test('invalid UTF-8 in a parameter name, and in an API query → 400 JSON', async () => {
    const r = await rawRequest(srv.port, rawGet('/api/v1/orgs/renhe?%C3%28=1'));
    assert.equal(r.status, 400);
    assert.match(r.headers['content-type'], /^application\/json\b/);
    assert.equal(JSON.parse(r.text()).error.code, 'invalid_input');
  });

  test('300 query parameters → 400', async () => {
    const qs = Array.from({ length: 300 }, (_, i) => `p${i}=${i}`).join('&');
    const r = await rawRequest(srv.port, rawGet(`/?${qs}`));
    assert.equal(r.status, 400);
    const api = await get(`/api/v1/orgs/renhe?${qs}`);
    assert.equal(api.status, 400);
    assert.equal((await api.json()).error.code, 'invalid_input');
    await stillServing();
  });

  test('200 query parameters are still fine', async () => {
    const qs = Array.from({ length: 200 }, (_, i) => `p${i}=${i}`).join('&');
    assert.equal((await get(`/?${qs}`)).status, 200);
  });

  test('valid UTF-8 in a parameter is fine', async () => {
    assert.equal((await get(`/?q=${encodeURIComponent('任河村')}`)).status, 200);
  });
});

describe('static files', () => {
  test('GET /static/style.css → 200 text/css with ETag and Cache-Control', async () => {
    const res = await get('/static/style.css');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/css\b/);
    assert.match(res.headers.get('etag') || '', /^(W\/)?"[^"]+"$/);
    assert.match(res.headers.get('cache-control') || '', /max-age=\d+/);
    const css = await res.text();
    assert.ok(css.length > 100 && css.includes('{'), 'not a stylesheet');
  });

  test('If-None-Match with the ETag → 304 and no body', async () => {
    const etag = (await get('/static/style.css')).headers.get('etag');
    const c = await rawConnect(srv.port);
    await c.send(rawGet('/static/style.css', { headers: { 'If-None-Match': etag } }));
    assert.ok(await c.waitClosed(3000), 'connection not closed after Connection: close');
    const r = await c.readResponse();
    assert.equal(r.status, 304);
    assert.equal(c.pending(), 0, 'bytes after the 304 headers');
    assert.equal(r.headers.etag, etag);
    c.close();
  });

  test('a stale ETag → 200 with the file', async () => {
    const res = await get('/static/style.css', { headers: { 'if-none-match': '"0000000000000000"' } });
    assert.equal(res.status, 200);
  });

  test('the other static files are served with their types', async () => {
    const css = await get('/static/print.css');
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type'), /^text\/css\b/);
    const svg = await get('/static/favicon.svg');
    assert.equal(svg.status, 200);
    assert.match(svg.headers.get('content-type'), /^image\/svg\+xml\b/);
  });

  test('GET /static/nosuch.css → 404', async () => {
    assert.equal((await get('/static/nosuch.css')).status, 404);
  });

  for (const p of [
    '/static/../sql/0001_org.sql',
    '/static/%2e%2e/sql/0001_org.sql',
    '/static/..%2fsql%2f0001_org.sql',
    '/static/%2e%2e%2fpo%2fzh_CN.po',
    '/static/..%2f..%2fpo%2fzh_CN.po',
    '/static/%2E%2E%2Fsql%2F0001_org.sql',
    '/static/..\\sql\\0001_org.sql',
    '/static/',
    '/static//etc/passwd',
  ]) {
    test(`path traversal ${p} → 404, nothing outside static/ leaks`, async () => {
      const r = await rawRequest(srv.port, rawGet(p));
      assert.ok(r.status === 404 || r.status === 400, `status ${r.status}`);
      const body = r.text();
      assert.ok(!/CREATE TABLE|msgid|root:/i.test(body), 'file content leaked');
    });
  }
});

describe('connections', () => {
  test('keep-alive: two sequential HTTP/1.1 requests on one socket', async () => {
    const c = await rawConnect(srv.port);
    const r1 = await c.request('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    assert.equal(r1.status, 200);
    assert.ok(!/close/i.test(r1.headers.connection || ''), `first response has Connection: ${r1.headers.connection}`);
    assert.equal(c.closed, false, 'server closed the connection after the first response');
    const r2 = await c.request('GET /api/v1/orgs/renhe HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    assert.equal(r2.status, 200);
    assert.equal(JSON.parse(r2.text()).code, 'renhe');
    assert.equal(c.responses, 2);
    c.close();
  });

  test('pipelining: two requests in one write get two answers in order', async () => {
    const c = await rawConnect(srv.port);
    await c.send(
      'GET /api/v1/orgs/renhe HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' +
      'GET /api/v1/orgs/dashan HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );
    const r1 = await c.readResponse();
    const r2 = await c.readResponse();
    assert.equal(r1.status, 200);
    assert.equal(r2.status, 200);
    assert.equal(JSON.parse(r1.text()).code, 'renhe');
    assert.equal(JSON.parse(r2.text()).code, 'dashan');
    c.close();
  });

  test('keep-alive survives an error response (404) on the same socket', async () => {
    const c = await rawConnect(srv.port);
    const r1 = await c.request('GET /api/v1/orgs/nosuch HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    assert.equal(r1.status, 404);
    const r2 = await c.request('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    assert.equal(r2.status, 200);
    c.close();
  });

  test('HEAD / → 200 and no body bytes on the wire', async () => {
    const c = await rawConnect(srv.port);
    await c.send(rawGet('/', { method: 'HEAD' }));
    assert.ok(await c.waitClosed(3000), 'connection not closed after Connection: close');
    const r = await c.readResponse({ head: true });
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^text\/html\b/);
    assert.equal(c.pending(), 0, 'HEAD response carried a body');
    c.close();
  });

  test('HEAD on the API → 200 and no body', async () => {
    const c = await rawConnect(srv.port);
    await c.send(rawGet('/api/v1/orgs/renhe', { method: 'HEAD' }));
    assert.ok(await c.waitClosed(3000));
    const r = await c.readResponse({ head: true });
    assert.equal(r.status, 200);
    assert.equal(c.pending(), 0);
    c.close();
  });
});
