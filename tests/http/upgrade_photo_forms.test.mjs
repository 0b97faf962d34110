// Photos from phones on the pages themselves (issue 6): the plaque decision,
// the spending entry and the inspection visit forms are multipart forms with a
// file field and the session's CSRF field; the photo is checked by content and
// kept with the record. No JavaScript involved.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer } from './lib.mjs';
import { call, login } from './auth_lib.mjs';
import { demoFundId, projectOf, sampleJpeg, sqlOk, sqlScalar, varied } from './upgrade_lib.mjs';

let srv, jpeg;
before(async () => {
  srv = await startServer();
  jpeg = await sampleJpeg(srv.base);
});
after(() => stopServer(srv));

/** POST a page form as multipart, with the session cookie and its CSRF field. */
async function postForm(auth, path, fields, photo) {
  const fd = new FormData();
  if (auth.csrf) fd.append('csrf', auth.csrf);
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  if (photo) fd.append('photo', new Blob([photo.bytes], { type: photo.type || 'image/jpeg' }), photo.name || 'p.jpg');
  return call(srv.base, 'POST', path, { auth, body: fd, csrf: false });
}

describe('photo fields on page forms', () => {
  test('a plaque decision with its photo proof: 303, the proof is the uploaded photo', async () => {
    const admin = await login(srv.base, 'renhe-admin');
    const id = (await sqlOk(srv.db, "SELECT p.id FROM plaque p JOIN org o ON o.id = p.org_id WHERE o.code = 'renhe' ORDER BY p.id LIMIT 1"))[0];
    const bytes = varied(jpeg, 'plaque');
    const r = await postForm(admin, `/plaques/${id}/decision`, { decision: 'remove', reason: '无实际职能' }, { bytes });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const proof = await sqlScalar(srv.db, `SELECT proof_sha FROM plaque WHERE id = ${id}`);
    assert.match(proof, /^[0-9a-f]{64}$/);
    assert.equal(await sqlScalar(srv.db, `SELECT count(*) FROM upload WHERE sha256 = '${proof}'`), '1');
  });

  test('the same form without the CSRF field: 403, nothing changed', async () => {
    const admin = await login(srv.base, 'renhe-admin');
    const id = (await sqlOk(srv.db, "SELECT p.id FROM plaque p JOIN org o ON o.id = p.org_id WHERE o.code = 'renhe' ORDER BY p.id DESC LIMIT 1"))[0];
    const before = await sqlOk(srv.db, `SELECT decision, proof_sha FROM plaque WHERE id = ${id}`);
    const r = await postForm({ cookie: admin.cookie }, `/plaques/${id}/decision`, { decision: 'keep' }, { bytes: varied(jpeg, 'nocsrf') });
    assert.equal(r.status, 403);
    assert.deepEqual(await sqlOk(srv.db, `SELECT decision, proof_sha FROM plaque WHERE id = ${id}`), before);
  });

  test('spending with a receipt photo; a script named receipt.jpg is refused and nothing is recorded', async () => {
    // gaoping's project is completed, not yet in use: it still takes spending (the township records it)
    const admin = await login(srv.base, 'township');
    const pid = await projectOf(srv.db, await demoFundId(srv.db), 'gaoping');
    const n0 = Number(await sqlScalar(srv.db, `SELECT count(*) FROM reno_spend WHERE project_id = ${pid}`));
    const ok = await postForm(admin, `/projects/${pid}/spending`, { amount: '10.00', payee: '五金店', note: '螺丝' }, { bytes: varied(jpeg, 'receipt') });
    assert.equal(ok.status, 303, ok.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 600));
    const receipt = await sqlScalar(srv.db, `SELECT receipt_sha FROM reno_spend WHERE project_id = ${pid} ORDER BY id DESC LIMIT 1`);
    assert.match(receipt, /^[0-9a-f]{64}$/);
    const bad = await postForm(admin, `/projects/${pid}/spending`, { amount: '10.00' }, { bytes: Buffer.from('#!/bin/sh\nrm -rf /\n'), name: 'receipt.jpg' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /不是照片/);
    assert.equal(Number(await sqlScalar(srv.db, `SELECT count(*) FROM reno_spend WHERE project_id = ${pid}`)), n0 + 1);
  });

  test('an inspection visit with a finding and its photo', async () => {
    const leader = await login(srv.base, 'leader');
    const r = await postForm(leader, '/inspections', { village: 'renhe', summary: '实地查看', finding: '公开栏玻璃破损', check_item: 'bulletin_board', owner: 'renhe-admin', days: '7' }, { bytes: varied(jpeg, 'finding') });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const photo = await sqlScalar(srv.db, "SELECT photo_sha FROM finding ORDER BY id DESC LIMIT 1");
    assert.match(photo, /^[0-9a-f]{64}$/);
  });
});
