// upgrade.test.mjs — 改 in a real browser (Debian's Chromium through playwright-core) on a
// 360×740 phone with JavaScript off: a villager reads the center's page; the area leader
// records a visit with a finding and later closes it on re-inspection; a center admin decides
// what happens to a plaque and edits the center; the township reads a project page. No page
// scrolls sideways.
// Screenshots go to test-results/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, startServer, stopServer } from '../http/lib.mjs';
import { login, sqlScalar } from '../http/auth_lib.mjs';
import { zh } from '../http/appeal_lib.mjs';
import { demoFundId, plaqueId, projectOf } from '../http/upgrade_lib.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const SHOTS = path.join(ROOT, 'test-results');
const WIDTH = 360;

let srv, browser;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  srv = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30000 });
});
after(async () => {
  if (browser) await browser.close();
  await stopServer(srv);
});

/** A phone with JavaScript off, logged in as `who` (or anonymous). */
async function phone(who) {
  const ctx = await browser.newContext({
    viewport: { width: WIDTH, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, javaScriptEnabled: false, locale: 'zh-CN',
  });
  if (who) {
    const s = await login(srv.base, who);
    await ctx.addCookies([{ name: 'zd_session', value: s.cookie, url: srv.base }]);
  }
  return { ctx, page: await ctx.newPage() };
}

async function assertNoHorizontalScroll(page, where) {
  const o = await page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > vw + 0.5)
      .map((el) => `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ')[0]}` : ''}`);
    return { scrollWidth: document.documentElement.scrollWidth, wide: [...new Set(wide)].slice(0, 10) };
  });
  assert.ok(o.scrollWidth <= WIDTH, `${where}: horizontal scroll, scrollWidth ${o.scrollWidth} > ${WIDTH}; too wide: ${o.wide.join(', ')}`);
}

describe('phone, 360×740, JavaScript disabled', () => {
  test('a villager reads the center page: function areas, opening hours; no internal part', async () => {
    const { ctx, page } = await phone(null);
    try {
      const res = await page.goto(`${srv.base}/v/renhe`);
      assert.equal(res.status(), 200);
      await page.click('a[href="/v/renhe/center"]');
      assert.equal(new URL(page.url()).pathname, '/v/renhe/center');
      assert.equal(await page.locator('h1').textContent(), '任河村党群服务中心');
      const text = await page.locator('main').textContent();
      for (const t of [zh('Function areas'), '说事长廊', '党员活动室', '周一至周五']) assert.ok(text.includes(t), `no ${t}`);
      assert.ok(!text.includes(zh('Facility checklist')));
      await assertNoHorizontalScroll(page, '/v/renhe/center');
      await page.screenshot({ path: path.join(SHOTS, 'upgrade-center-phone.png'), fullPage: true });
    } finally {
      await ctx.close();
    }
  });

  test('the area leader records a visit with a finding, then closes it on re-inspection', async () => {
    const { ctx, page } = await phone('leader');
    try {
      await page.goto(`${srv.base}/inspections`);
      await assertNoHorizontalScroll(page, '/inspections');
      const form = page.locator('form[action="/inspections"]');
      await form.locator('select[name="village"]').selectOption('yinxing');
      await form.locator('textarea[name="summary"]').fill('浏览器测试督导');
      await form.locator('textarea[name="finding"]').fill('农家书屋图书登记不全');
      await form.locator('select[name="check_item"]').selectOption('equipment');
      await form.locator('input[name="owner"]').fill('yinxing-admin');
      await form.locator('input[name="days"]').fill('10');
      await Promise.all([page.waitForNavigation(), form.locator('button[type="submit"]').click()]);
      assert.equal(new URL(page.url()).pathname, '/inspections');
      const row = page.locator('tr', { hasText: '农家书屋图书登记不全' });
      assert.equal(await row.count(), 1);
      const id = Number(await sqlScalar(srv.db, "SELECT id FROM finding WHERE body = '农家书屋图书登记不全'"));
      assert.equal(await sqlScalar(srv.db, `SELECT state FROM finding WHERE id = ${id}`), 'open');
      await page.screenshot({ path: path.join(SHOTS, 'upgrade-inspections-leader-phone.png'), fullPage: true });
      await row.locator('input[name="fixed"][value="1"]').check();
      await row.locator('input[name="note"]').fill('已补登');
      await Promise.all([page.waitForNavigation(), row.locator('button[type="submit"]').click()]);
      assert.equal(await sqlScalar(srv.db, `SELECT state FROM finding WHERE id = ${id}`), 'closed');
      assert.equal(await page.locator('tr', { hasText: '农家书屋图书登记不全' }).count(), 0, 'a closed task is still listed as open');
    } finally {
      await ctx.close();
    }
  });

  test('a center admin decides a plaque on the center page', async () => {
    const { ctx, page } = await phone('yinxing-admin');
    try {
      await page.goto(`${srv.base}/v/yinxing/center`);
      await assertNoHorizontalScroll(page, '/v/yinxing/center (internal)');
      const id = await plaqueId(srv.db, 'yinxing', '银杏村科普协会');
      const row = page.locator(`#plaque-${id}`);
      await row.locator('select[name="decision"]').selectOption('remove');
      await Promise.all([page.waitForNavigation(), row.locator('button[type="submit"]').click()]);
      assert.equal(new URL(page.url()).pathname, '/v/yinxing/center');
      assert.equal(await sqlScalar(srv.db, `SELECT decision FROM plaque WHERE id = ${id}`), 'remove');
      assert.ok((await page.locator(`#plaque-${id}`).textContent()).includes(zh('Waiting for the photo proof.')));
      await page.screenshot({ path: path.join(SHOTS, 'upgrade-plaques-phone.png'), fullPage: true });
    } finally {
      await ctx.close();
    }
  });

  test('a center admin edits the center on a phone: 编辑, the address, a room serving two functions', async () => {
    const { ctx, page } = await phone('renhe-admin');
    try {
      await page.goto(`${srv.base}/v/renhe/center`);
      await Promise.all([page.waitForNavigation(), page.click('a[href="/v/renhe/center/edit"]')]);
      assert.equal(new URL(page.url()).pathname, '/v/renhe/center/edit');
      await assertNoHorizontalScroll(page, '/v/renhe/center/edit');
      await page.screenshot({ path: path.join(SHOTS, 'upgrade-center-edit-phone.png'), fullPage: true });
      const data = page.locator('form#data');
      await data.locator('input[name="address"]').fill('任河村一组18号（浏览器测试）');
      await Promise.all([page.waitForNavigation(), data.locator('button[type="submit"]').click()]);
      assert.ok((await page.locator('p.notice').textContent()).includes(zh('Saved.')));
      const room = page.locator('form#room-new');
      await room.locator('input[name="name"]').fill('老年活动室');
      await room.locator('input[name="fn_talk"]').check();
      await room.locator('input[name="fn_other"]').check();
      await Promise.all([page.waitForNavigation(), room.locator('button[type="submit"]').click()]);
      await page.goto(`${srv.base}/v/renhe/center`);
      const text = await page.locator('main').textContent();
      for (const t of ['任河村一组18号（浏览器测试）', '老年活动室', zh('Other use')]) assert.ok(text.includes(t), `no ${t}`);
    } finally {
      await ctx.close();
    }
  });

  test('the township reads a project page and the campaign on a phone', async () => {
    const { ctx, page } = await phone('township');
    try {
      const p = await projectOf(srv.db, await demoFundId(srv.db), 'dashan');
      const res = await page.goto(`${srv.base}/projects/${p}`);
      assert.equal(res.status(), 200);
      assert.ok((await page.locator('main').textContent()).includes(zh('Over-budget approvals')));
      await assertNoHorizontalScroll(page, `/projects/${p}`);
      await page.screenshot({ path: path.join(SHOTS, 'upgrade-project-dashan-phone.png'), fullPage: true });
      await page.goto(`${srv.base}/t/zhanerxiang/plaques`);
      await assertNoHorizontalScroll(page, '/t/zhanerxiang/plaques');
      await page.screenshot({ path: path.join(SHOTS, 'upgrade-campaign-phone.png'), fullPage: true });
    } finally {
      await ctx.close();
    }
  });
});
