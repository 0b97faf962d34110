// upgrade_lib.mjs — helpers of the 改 tests (centers, uploads, projects, plaques, inspections).
//
//   api()               a JSON call with Bearer/session auth (auth_lib's call())
//   upload()            POST /api/v1/uploads as multipart/form-data
//   sampleJpeg()        a real JPEG: the server's A4 poster PDF rendered by pdftoppm
//   samplePng()         the same as PNG
//   withExifGps()       a JPEG with an APP1 Exif segment (orientation + GPS) inserted after SOI
//   pngBomb()           a PNG whose header claims 100000×100000 pixels
//   projectOf()         the id of a village's project in a fund, read from the database
//   upgradeMatrixPrep() what the authorization matrix needs: an upload, a center photo, a fund with open projects,
//                       a milestone, an open finding, the plaques of renhe
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { call, sqlOk, sqlScalar } from './auth_lib.mjs';

export const api = (base, auth, method, p, json) => call(base, method, p, json === undefined ? { auth } : { auth, json });

/** POST /api/v1/uploads with one file part (and a village field unless null). */
export function upload(base, auth, bytes, { filename = 'photo.jpg', type = 'image/jpeg', village = 'renhe', field = 'file' } = {}) {
  const fd = new FormData();
  if (village) fd.append('village', village);
  fd.append(field, new Blob([bytes], { type }), filename);
  return call(base, 'POST', '/api/v1/uploads', { auth, body: fd });
}

let cache = null;
/** { jpeg, png } rendered from the server's poster PDF (pdftoppm, low resolution). */
async function samples(base) {
  if (cache) return cache;
  const res = await fetch(`${base}/v/renhe/appeal-poster.pdf`);
  assert.equal(res.status, 200);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zhendi-img-'));
  try {
    writeFileSync(path.join(dir, 'p.pdf'), Buffer.from(await res.arrayBuffer()));
    for (const [fmt, r] of [['-jpeg', '40'], ['-png', '20']]) {
      const p = spawnSync('pdftoppm', [fmt, '-r', r, '-singlefile', path.join(dir, 'p.pdf'), path.join(dir, fmt.slice(1))]);
      assert.equal(p.status, 0, `pdftoppm ${fmt}: ${p.stderr}`);
    }
    cache = { jpeg: readFileSync(path.join(dir, 'jpeg.jpg')), png: readFileSync(path.join(dir, 'png.png')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return cache;
}
export const sampleJpeg = async (base) => (await samples(base)).jpeg;
export const samplePng = async (base) => (await samples(base)).png;

/** A different JPEG each call: a COM segment with a marker changes the bytes, not the picture. */
export function varied(jpeg, tag) {
  const text = Buffer.from(`zhendi test ${tag} ${Date.now()} ${Math.random()}`);
  const seg = Buffer.alloc(4 + text.length);
  seg[0] = 0xff; seg[1] = 0xfe; seg.writeUInt16BE(text.length + 2, 2);
  text.copy(seg, 4);
  return Buffer.concat([jpeg.subarray(0, 2), seg, jpeg.subarray(2)]);
}

/**
 * The JPEG with an APP1 Exif segment after SOI: IFD0 holds the orientation and a pointer to
 * a GPS IFD with N 34°2'17.16" E 106°27'22.32" (任河村), big-endian TIFF.
 */
export function withExifGps(jpeg, orientation = 1) {
  const t = [];
  const u16 = (v) => t.push((v >> 8) & 0xff, v & 0xff);
  const u32 = (v) => t.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  const entry = (tag, type, count, value, inlineShort) => {
    u16(tag); u16(type); u32(count);
    if (inlineShort) { u16(value); u16(0); } else if (type === 2) { t.push(value.charCodeAt(0), 0, 0, 0); } else u32(value);
  };
  t.push(0x4d, 0x4d); u16(42); u32(8);                // MM, 42, IFD0 at 8
  u16(2); entry(0x0112, 3, 1, orientation, true); entry(0x8825, 4, 1, 38); u32(0);
  u16(4); entry(1, 2, 2, 'N'); entry(2, 5, 3, 92); entry(3, 2, 2, 'E'); entry(4, 5, 3, 116); u32(0);
  for (const v of [34, 1, 2, 1, 1716, 100, 106, 1, 27, 1, 2232, 100]) u32(v);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.from(t)]);
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), head, body, jpeg.subarray(2)]);
}

function crc32(buf) {
  let c, crc = 0xffffffff;
  for (const b of buf) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** A small, well-formed PNG whose IHDR claims w×h (8-bit RGB); the data would inflate to w*h*3 bytes. */
export function pngBomb(w = 100000, h = 100000) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  // a deflate stream of zeros: 64 KiB of zeros as stored blocks is enough to look real
  const idat = Buffer.from([0x78, 0x9c, 0x63, 0x60, 0x18, 0x05, 0xa3, 0x60, 0x14, 0x0c, 0x77, 0x00, 0x00]);
  return Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

export async function projectOf(db, fundId, village) {
  const id = await sqlScalar(db, `SELECT p.id FROM reno_project p JOIN org o ON o.id = p.org_id WHERE p.fund_id = ${Number(fundId)} AND o.code = '${village}'`);
  assert.ok(id, `no project of ${village} in fund ${fundId}`);
  return Number(id);
}

export async function demoFundId(db) {
  return Number(await sqlScalar(db, "SELECT f.id FROM reno_fund f JOIN org o ON o.id = f.org_id WHERE o.code = 'zhanerxiang' ORDER BY f.id LIMIT 1"));
}

export async function plaqueId(db, village, name) {
  const id = await sqlScalar(db, `SELECT p.id FROM plaque p JOIN org o ON o.id = p.org_id WHERE o.code = '${village}' AND p.name = '${name}'`);
  assert.ok(id, `no plaque ${name} at ${village}`);
  return Number(id);
}

/** The authorization matrix's data (run by the county, after the xinan township exists). */
export async function upgradeMatrixPrep(srv, county) {
  const out = {};
  const up = await upload(srv.base, county, varied(await sampleJpeg(srv.base), 'matrix'));
  assert.equal(up.status, 201, up.text);
  out.sha = up.json.sha256;
  // a center photo of renhe: public (GET /uploads/{sha} without login)
  const cp = await upload(srv.base, county, varied(await sampleJpeg(srv.base), 'matrix-center'));
  assert.equal(cp.status, 201, cp.text);
  out.centerPhoto = cp.json.sha256;
  const pc = await api(srv.base, county, 'PATCH', '/api/v1/villages/renhe/center', { photos: [{ sha256: out.centerPhoto, caption: '矩阵' }] });
  assert.equal(pc.status, 200, pc.text);
  out.demoFund = await demoFundId(srv.db);
  const f = await api(srv.base, county, 'POST', '/api/v1/funds', {
    township: 'zhanerxiang', source: '矩阵测试', title: '矩阵测试资金', total_fen: 100000000,
    allocations: [{ village: 'renhe', amount_fen: 30000000 }, { village: 'yinxing', amount_fen: 30000000 }, { village: 'dashan', amount_fen: 30000000 }],
  });
  assert.equal(f.status, 201, f.text);
  out.fund = f.json.id;
  for (const v of ['renhe', 'yinxing', 'dashan']) out[v] = await projectOf(srv.db, out.fund, v);
  const x = await api(srv.base, county, 'POST', '/api/v1/funds', { township: 'xinan', source: '西安镇', title: '西安镇资金', total_fen: 1000 });
  assert.equal(x.status, 201, x.text);
  out.xinanFund = x.json.id;
  const m = await api(srv.base, county, 'POST', `/api/v1/projects/${out.renhe}/milestones`, { title: '矩阵节点' });
  assert.equal(m.status, 201, m.text);
  out.milestone = m.json.milestones[m.json.milestones.length - 1].id;
  const insp = await api(srv.base, county, 'POST', '/api/v1/inspections', {
    village: 'renhe', summary: '矩阵督导', findings: [{ text: '矩阵问题', owner: 'renhe-admin', days: 30 }],
  });
  assert.equal(insp.status, 201, insp.text);
  out.finding = insp.json.findings[0].id;
  out.plaque = await plaqueId(srv.db, 'renhe', '任河村老年人协会');
  return out;
}

export { sqlOk, sqlScalar };
