// login.test.mjs — logging in and out in a real browser on a 360 px phone (JavaScript off):
// the /login form, /me with the role, the users page of 任河村, the header's log-out button.
// Screenshots go to test-results/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, startServer, stopServer } from '../http/lib.mjs';

// the same browser and launch options as home.test.mjs (not imported: that would run its tests here)
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const SHOTS = path.join(ROOT, 'test-results');
const PW = 'zhendi-demo';

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

async function assertNoHorizontalScroll(page, width) {
  const o = await page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > vw + 0.5)
      .map((el) => `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ')[0]}` : ''}`);
    return { scrollWidth: document.documentElement.scrollWidth, wide: [...new Set(wide)].slice(0, 10) };
  });
  assert.ok(o.scrollWidth <= width, `horizontal scroll: scrollWidth ${o.scrollWidth} > ${width}; too wide: ${o.wide.join(', ')}`);
}

describe('phone, 360×740, JavaScript disabled: log in, look around, log out', () => {
  let ctx, page;
  before(async () => {
    ctx = await browser.newContext({
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      javaScriptEnabled: false,
      locale: 'zh-CN',
    });
    page = await ctx.newPage();
  });
  after(async () => { if (ctx) await ctx.close(); });

  test('the login page: a usable form that fits the screen', async () => {
    const res = await page.goto(`${srv.base}/login`);
    assert.equal(res.status(), 200);
    assert.equal(await page.locator('h1').innerText(), '登录');
    const form = page.locator('main form[action="/login"]');
    assert.equal(await form.count(), 1);
    for (const sel of ['input[name="login"]', 'input[name="password"][type="password"]', 'button[type="submit"]']) {
      const el = form.locator(sel);
      assert.ok(await el.isVisible(), `${sel} not visible`);
      const b = await el.boundingBox();
      assert.ok(b.x >= 0 && b.x + b.width <= 360 + 0.5, `${sel} sticks out: ${JSON.stringify(b)}`);
      assert.ok(b.height >= 32, `${sel} is only ${b.height} px high`);
    }
    assert.equal(await form.locator('input[name="password"]').getAttribute('autocomplete'), 'current-password');
    await assertNoHorizontalScroll(page, 360);
    await page.screenshot({ path: path.join(SHOTS, 'phone-login.png'), fullPage: true });
  });

  test('a wrong password shows the message on the form and keeps the login typed', async () => {
    await page.goto(`${srv.base}/login`);
    await page.fill('main input[name="login"]', 'renhe-admin');
    await page.fill('main input[name="password"]', 'not-the-password');
    const [resp] = await Promise.all([page.waitForNavigation(), page.click('main button[type="submit"]')]);
    assert.equal(resp.status(), 401);
    assert.equal(await page.locator('main [role="alert"]').innerText(), '账号或密码错误。');
    assert.equal(await page.inputValue('main input[name="login"]'), 'renhe-admin');
    assert.equal(await page.inputValue('main input[name="password"]'), '');
    assert.deepEqual((await ctx.cookies()).filter((c) => c.name === 'zd_session'), []);
    await assertNoHorizontalScroll(page, 360);
  });

  test('logging in as renhe-admin lands on /me showing the login and the role', async () => {
    await page.goto(`${srv.base}/login`);
    await page.fill('main input[name="login"]', 'renhe-admin');
    await page.fill('main input[name="password"]', PW);
    await page.click('main button[type="submit"]');
    await page.waitForURL(/\/me$/);
    assert.equal(await page.locator('h1').innerText(), '我的账号');
    const main = await page.locator('main').innerText();
    assert.ok(main.includes('renhe-admin'), main);
    const roles = page.locator('ul.roles li');
    assert.equal(await roles.count(), 1);
    const role = await roles.first().innerText();
    assert.ok(role.includes('阵地管理员'), role);
    assert.ok(role.includes('任河村'), role);
    // the header now shows who is logged in and a log-out button instead of the login link
    assert.equal(await page.locator('header.top a.me[href="/me"]').innerText(), 'renhe-admin');
    assert.ok(await page.locator('header.top form.logout button').isVisible());
    const cookie = (await ctx.cookies()).find((c) => c.name === 'zd_session');
    assert.ok(cookie, 'no session cookie');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    await assertNoHorizontalScroll(page, 360);
    await page.screenshot({ path: path.join(SHOTS, 'phone-me.png'), fullPage: true });
  });

  test('the link of the role opens the users page of 任河村', async () => {
    await page.locator('ul.roles li a', { hasText: '任河村' }).click();
    await page.waitForURL(/\/o\/renhe\/users$/);
    const h1 = await page.locator('h1').innerText();
    assert.ok(h1.includes('任河村') && h1.includes('用户'), h1);
    const logins = await page.locator('table.list tbody tr td:first-child').allInnerTexts();
    for (const l of ['leader', 'renhe-admin', 'renhe-cadre', 'renhe-supervisor']) assert.ok(logins.includes(l), `${l} not in ${logins}`);
    assert.ok(!logins.includes('yinxing-admin'));
    // a center admin does not manage users: no add-user form
    assert.equal(await page.locator('main form').count(), 0);
    await assertNoHorizontalScroll(page, 360);
    await page.screenshot({ path: path.join(SHOTS, 'phone-renhe-users.png'), fullPage: true });
  });

  test('the header button logs out: back on the home page, logged out, /me refused', async () => {
    await page.locator('header.top form.logout button').click();
    await page.waitForURL(new RegExp(`^${srv.base}/$`));
    assert.equal(await page.locator('header.top a.me[href="/login"]').innerText(), '登录');
    assert.equal(await page.locator('header.top form.logout').count(), 0);
    const res = await page.goto(`${srv.base}/me`);
    assert.equal(res.status(), 401);
    const res2 = await page.goto(`${srv.base}/o/renhe/users`);
    assert.equal(res2.status(), 401);
  });
});
