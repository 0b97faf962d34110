// upgrade_uploads.test.mjs — photos from phones against hostile files: type decided by the
// content (a script named photo.jpg with image/jpeg is refused), a truncated JPEG, a PNG
// header claiming 100000×100000 (decompression bomb), a 50 MB body (413 before it is read
// into memory); the EXIF GPS block survives only in the private original, never in the
// public copy or the thumbnail; content-addressed storage, types and cache headers; who
// may see an original. (Who may see the copies: upgrade_center_forms.test.mjs; here the
// copies of photos not attached to a center are fetched as their uploader.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rawConnect, startServer, stopServer } from './lib.mjs';
import { assertJsonError, call, demoTokens, sqlScalar } from './auth_lib.mjs';
import { pngBomb, samplePng, sampleJpeg, upload, varied, withExifGps } from './upgrade_lib.mjs';

let srv;
let tok;
before(async () => {
  srv = await startServer();
  tok = await demoTokens(srv.base, ['county', 'township', 'leader', 'renhe-admin', 'renhe-cadre', 'renhe-supervisor', 'renhe-member', 'yinxing-admin']);
});
after(() => stopServer(srv));

const as = (l) => tok[l];
const count = async () => Number(await sqlScalar(srv.db, 'SELECT count(*) FROM upload'));
const get = (p, headers = {}) => fetch(srv.base + p, { headers });
const has = (buf, s) => buf.indexOf(Buffer.from(s, 'latin1')) >= 0;
/** GET as the uploader of the photos below (renhe-cadre): copies of unattached photos are not public. */
const staff = (p, headers = {}) => get(p, { Authorization: `Bearer ${as('renhe-cadre').token}`, ...headers });

describe('what is accepted', () => {
  test('a JPEG → 201 {sha256, url}; the sha256 is of the bytes sent; the same bytes again give the same sha', async () => {
    const jpeg = varied(await sampleJpeg(srv.base), 'accept');
    const r = await upload(srv.base, as('renhe-cadre'), jpeg);
    assert.equal(r.status, 201, r.text);
    const { createHash } = await import('node:crypto');
    assert.equal(r.json.sha256, createHash('sha256').update(jpeg).digest('hex'));
    assert.equal(r.json.url, `/uploads/${r.json.sha256}`);
    assert.equal(r.json.thumb_url, `/uploads/${r.json.sha256}/thumb`);
    assert.equal(r.json.type, 'image/jpeg');
    assert.equal(r.headers.get('location'), r.json.url);
    assert.equal(r.json.new, true);
    const c0 = await count();
    const again = await upload(srv.base, as('renhe-cadre'), jpeg);
    assert.equal(again.status, 201);
    assert.equal(again.json.sha256, r.json.sha256);
    assert.equal(again.json.new, false);
    assert.equal(await count(), c0, 'registered twice');
  });

  test('a PNG (the type is read from the bytes, not the name): public copy and thumbnail are JPEG', async () => {
    const png = await samplePng(srv.base);
    const r = await upload(srv.base, as('renhe-admin'), png, { filename: 'scan.jpg', type: 'image/jpeg' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.type, 'image/png');
    const pub = await staff(r.json.url);
    assert.equal(pub.headers.get('content-type'), 'image/jpeg');
    const orig = await fetch(`${srv.base}${r.json.original_url}`, { headers: { Authorization: `Bearer ${as('renhe-admin').token}` } });
    assert.equal(orig.status, 200);
    assert.equal(orig.headers.get('content-type'), 'image/png');
  });

  test('served with the right type and cache headers; ETag gives 304; nosniff; no user-chosen name', async () => {
    const r = await upload(srv.base, as('renhe-cadre'), varied(await sampleJpeg(srv.base), 'cache'), { filename: '../../etc/passwd.jpg' });
    assert.equal(r.status, 201);
    for (const p of [r.json.url, r.json.thumb_url]) {
      const res = await staff(p);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/jpeg');
      assert.equal(res.headers.get('cache-control'), 'private, max-age=3600', 'not attached to a public record yet');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.ok(!(res.headers.get('content-disposition') || '').includes('passwd'));
      const etag = res.headers.get('etag');
      assert.match(etag, /^"[0-9a-f]{64}"$/);
      const again = await staff(p, { 'If-None-Match': etag });
      assert.equal(again.status, 304);
    }
    // once a center photo, the copies are anyone's and cached everywhere
    const c = await call(srv.base, 'PATCH', '/api/v1/villages/renhe/center', { auth: as('renhe-admin'), json: { photos: [r.json.sha256] } });
    assert.equal(c.status, 200, c.text);
    for (const p of [r.json.url, r.json.thumb_url]) {
      const res = await get(p);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal((await get(p, { 'If-None-Match': res.headers.get('etag') })).status, 304);
    }
    const thumb = Buffer.from(await (await get(r.json.thumb_url)).arrayBuffer());
    const pub = Buffer.from(await (await get(r.json.url)).arrayBuffer());
    assert.ok(thumb.length < pub.length, 'the thumbnail is not smaller');
    assert.equal((await get(`/uploads/${'a'.repeat(64)}`)).status, 404);
    assert.equal((await get('/uploads/..%2F..%2Fetc%2Fpasswd')).status, 404);
    assert.equal((await get(`/uploads/${r.json.sha256.toUpperCase()}`)).status, 404);
  });
});

describe('hostile files', () => {
  test('a shell script named photo.jpg with Content-Type image/jpeg → 415 with a message; nothing stored', async () => {
    const c0 = await count();
    const r = await upload(srv.base, as('renhe-cadre'), Buffer.from('#!/bin/sh\nrm -rf / --no-preserve-root\n'), { filename: 'photo.jpg', type: 'image/jpeg' });
    const msg = assertJsonError(r, 415, 'unsupported_media_type');
    assert.match(msg, /JPEG, PNG or WebP/);
    // HTML and SVG are not photos either, whatever they are called
    for (const body of ['<html><script>alert(1)</script></html>', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 'GIF89a\x01\x00\x01\x00']) {
      assertJsonError(await upload(srv.base, as('renhe-cadre'), Buffer.from(body, 'latin1'), { filename: 'x.png', type: 'image/png' }), 415, 'unsupported_media_type');
    }
    assert.equal(await count(), c0);
  });

  test('a truncated JPEG → 400 "damaged"; nothing stored', async () => {
    const c0 = await count();
    const jpeg = varied(await sampleJpeg(srv.base), 'trunc');
    for (const cut of [0.5, 0.9]) {
      const r = await upload(srv.base, as('renhe-cadre'), jpeg.subarray(0, Math.floor(jpeg.length * cut)));
      assert.match(assertJsonError(r, 400, 'invalid_input'), /damaged/);
    }
    assert.equal(await count(), c0);
  });

  test('a truncated PNG → 400; a PNG header claiming 100000×100000 (a decompression bomb) → 400, fast, nothing stored', async () => {
    const c0 = await count();
    const png = await samplePng(srv.base);
    assertJsonError(await upload(srv.base, as('renhe-cadre'), png.subarray(0, Math.floor(png.length * 0.6)), { type: 'image/png', filename: 'a.png' }), 400, 'invalid_input');
    const t0 = Date.now();
    const r = await upload(srv.base, as('renhe-cadre'), pngBomb(), { type: 'image/png', filename: 'bomb.png' });
    assert.match(assertJsonError(r, 400, 'invalid_input'), /too large|40 megapixels/);
    assertJsonError(await upload(srv.base, as('renhe-cadre'), pngBomb(8000, 6000), { type: 'image/png', filename: 'bomb2.png' }), 400, 'invalid_input');
    assert.ok(Date.now() - t0 < 3000, 'the bomb took long');
    assert.equal(await count(), c0);
  });

  test('a 50 MB body → 413 (the route takes at most 12 MiB) after reading it away, not into memory; the server keeps serving', async () => {
    const total = 50 * 1024 * 1024;
    const c = await rawConnect(srv.port, { timeoutMs: 30000 });
    let res = null;
    let sent = 0;
    try {
      await c.send(`POST /api/v1/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${as('renhe-cadre').token}\r\n`
        + `Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: ${total}\r\n\r\n`);
      const piece = Buffer.alloc(256 * 1024, 0x41);
      while (sent < total && !c.pending() && !c.closed) {
        if (!(await c.send(piece.subarray(0, Math.min(piece.length, total - sent))))) break;
        sent += Math.min(piece.length, total - sent);
      }
      res = await c.readResponse({ timeout: 20000 });
    } finally {
      c.close();
    }
    assert.ok(res, `no response after ${sent} bytes`);
    assert.equal(res.status, 413);
    assert.equal(JSON.parse(res.text()).error.code, 'too_large');
    assert.equal((await get('/healthz')).status, 200);
  });

  test('a photo of 10 MB + 1 byte inside the route limit → 413 with a message', async () => {
    const jpeg = await sampleJpeg(srv.base);
    const pad = Buffer.alloc(10 * 1024 * 1024 + 1 - jpeg.length);
    const r = await upload(srv.base, as('renhe-cadre'), Buffer.concat([jpeg, pad]));
    assert.match(assertJsonError(r, 413, 'too_large'), /10 MB/);
  });

  test('not multipart → 415; no file part → 400; a village out of scope → 404', async () => {
    assertJsonError(await call(srv.base, 'POST', '/api/v1/uploads', { auth: as('renhe-cadre'), json: { file: 'x' } }), 415, 'unsupported_media_type');
    const fd = new FormData();
    fd.append('village', 'renhe');
    assertJsonError(await call(srv.base, 'POST', '/api/v1/uploads', { auth: as('renhe-cadre'), body: fd }), 400, 'invalid_input');
    assertJsonError(await upload(srv.base, as('renhe-cadre'), await sampleJpeg(srv.base), { village: 'yinxing' }), 404, 'not_found');
    assertJsonError(await upload(srv.base, as('renhe-member'), await sampleJpeg(srv.base)), 403, 'forbidden');
    assertJsonError(await upload(srv.base, null, await sampleJpeg(srv.base)), 401, 'unauthenticated');
  });
});

describe('GPS stays private', () => {
  let r;
  let exifJpeg;
  before(async () => {
    exifJpeg = withExifGps(varied(await sampleJpeg(srv.base), 'gps'), 6);
    assert.ok(has(exifJpeg, 'Exif\0\0'));
    r = await upload(srv.base, as('renhe-cadre'), exifJpeg);
    assert.equal(r.status, 201, r.text);
  });

  test('the public copy and the thumbnail carry no Exif segment and no GPS bytes', async () => {
    for (const p of [r.json.url, r.json.thumb_url]) {
      const b = Buffer.from(await (await staff(p)).arrayBuffer());
      assert.equal(b[0], 0xff);
      assert.equal(b[1], 0xd8);
      assert.ok(!has(b, 'Exif'), `${p} has an Exif segment`);
      assert.ok(!has(b, 'MM\0*'), `${p} has a TIFF header`);
      // no APP1..APP15 segment at all
      for (let i = 2; i + 4 < b.length && b[i] === 0xff && b[i + 1] !== 0xda; i += 2 + b.readUInt16BE(i + 2)) {
        assert.ok(b[i + 1] < 0xe1 || b[i + 1] > 0xef, `${p}: APP${b[i + 1] - 0xe0} segment`);
      }
    }
  });

  test('the orientation was applied: the portrait poster turned a quarter (width and height swapped)', async () => {
    assert.equal(r.json.public_width, r.json.height);
    assert.equal(r.json.public_height, r.json.width);
  });

  test('the original keeps its EXIF, served only to users in the scope of its village (and the uploader)', async () => {
    const url = r.json.original_url;
    for (const [who, status] of [['renhe-cadre', 200], ['renhe-admin', 200], ['renhe-supervisor', 200], ['leader', 200], ['township', 200],
      ['county', 200], ['yinxing-admin', 404], ['renhe-member', 403]]) {
      const res = await fetch(`${srv.base}${url}`, { headers: { Authorization: `Bearer ${as(who).token}` } });
      assert.equal(res.status, status, who);
      if (status === 200) {
        const b = Buffer.from(await res.arrayBuffer());
        assert.ok(b.equals(exifJpeg), `${who}: not the original bytes`);
        assert.match(res.headers.get('cache-control'), /^private/);
      }
    }
    assert.equal((await get(url)).status, 401);
  });

  test('the position is kept in the upload row (internal), read from the EXIF', async () => {
    const row = await sqlScalar(srv.db, `SELECT gps_lat || ',' || gps_lng FROM upload WHERE sha256 = '${r.json.sha256}'`);
    const [lat, lng] = row.split(',').map(Number);
    assert.ok(Math.abs(lat - 34.03810) < 0.0001 && Math.abs(lng - 106.4562) < 0.0001, row);
    // and the audit entry says a position was there without giving it
    const after = await sqlScalar(srv.db, `SELECT after_json FROM audit WHERE object = 'upload:${r.json.sha256}'`);
    assert.match(after, /"gps":true/);
    assert.ok(!after.includes('34.03'));
  });
});
