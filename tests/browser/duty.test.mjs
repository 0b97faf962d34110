// duty.test.mjs — 管 duty in a real browser on a 360×740 phone with JavaScript off: a cadre
// opens the center's QR link, logs in, comes back, checks in with one tap, sets the
// whereabouts board with one tap, and the village page shows it; the roster calendar,
// the coverage page and the duty log fit the screen. Screenshots go to test-results/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, startServer, stopServer } from '../http/lib.mjs';
import { zh } from '../http/appeal_lib.mjs';
import { call, createToken, login } from '../http/auth_lib.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const SHOTS = path.join(ROOT, 'test-results');
const WIDTH = 360;

let srv, browser, ctx, page, secret;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  srv = await startServer();
  const admin = { token: (await createToken(srv.base, await login(srv.base, 'renhe-admin'), 'browser')).token };
  secret = (await call(srv.base, 'GET', '/api/v1/villages/renhe/checkin-code', { auth: admin })).json.secret;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30000 });
  ctx = await browser.newContext({
    viewport: { width: WIDTH, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, javaScriptEnabled: false, locale: 'zh-CN',
  });
  page = await ctx.newPage();
});
after(async () => {
  if (ctx) await ctx.close();
  if (browser) await browser.close();
  await stopServer(srv);
});

async function assertNoHorizontalScroll(where) {
  const o = await page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > vw + 0.5)
      .map((el) => `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ')[0]}` : ''}`);
    return { scrollWidth: document.documentElement.scrollWidth, wide: [...new Set(wide)].slice(0, 10) };
  });
  assert.ok(o.scrollWidth <= WIDTH, `${where}: horizontal scroll, scrollWidth ${o.scrollWidth} > ${WIDTH}; too wide: ${o.wide.join(', ')}`);
}

async function assertTappable(locator, what) {
  const b = await locator.boundingBox();
  assert.ok(b && b.width > 0 && b.height > 0, `${what} is not visible`);
  assert.ok(b.x >= 0 && b.x + b.width <= WIDTH + 0.5, `${what} sticks out: ${JSON.stringify(b)}`);
  assert.ok(b.height >= 32, `${what} is only ${b.height} px high`);
}

const shot = (name) => page.screenshot({ path: path.join(SHOTS, name), fullPage: true });

describe('phone, 360×740, JavaScript disabled', () => {
  test('the QR link → log in → back on the check-in page → one tap checks in', async () => {
    let res = await page.goto(`${srv.base}/v/renhe/checkin?s=${secret}`);
    assert.equal(new URL(page.url()).pathname, '/login');
    await page.locator('input[name="login"]').fill('renhe-cadre');
    await page.locator('input[name="password"]').fill('zhendi-demo');
    [res] = await Promise.all([page.waitForNavigation(), page.locator('main form[action="/login"] button[type="submit"]').click()]);
    assert.equal(res.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/v/renhe/checkin');
    const button = page.locator('form[action="/v/renhe/checkin"] button[type="submit"]');
    await assertTappable(button, 'the check-in button');
    await assertNoHorizontalScroll('the check-in page');
    await shot('phone-duty-checkin.png');
    [res] = await Promise.all([page.waitForNavigation(), button.click()]);
    assert.equal(res.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/duty');
    assert.ok((await page.locator('main').innerText()).includes(zh('You are checked in. Your status is now on duty.')));
  });

  test('the whereabouts board in one tap; the village page shows it', async () => {
    const meeting = page.locator('form.status-board button[value="meeting"]');
    await assertTappable(meeting, 'the 开会 button');
    await assertNoHorizontalScroll('my duty');
    await shot('phone-duty-mine.png');
    await Promise.all([page.waitForNavigation(), meeting.click()]);
    assert.equal(await page.locator('form.status-board button[value="meeting"]').getAttribute('aria-pressed'), 'true');
    await page.goto(`${srv.base}/v/renhe`);
    const board = await page.locator('section.board').innerText();
    assert.ok(board.includes('任河村 村委委员') && board.includes(zh('At a meeting')), board);
    await assertNoHorizontalScroll('the village page');
    await page.locator('section.board').screenshot({ path: path.join(SHOTS, 'phone-village-board.png') });
    await shot('phone-village-page.png');
  });

  test('the roster calendar, the coverage page and the duty log fit 360 px', async () => {
    let res = await page.goto(`${srv.base}/v/renhe/duty`);
    assert.equal(res.status(), 200);
    await assertNoHorizontalScroll('the roster');
    const cells = page.locator('table.cal td:not(.pad)');
    assert.ok(await cells.count() >= 28);
    const cell = await cells.first().boundingBox();
    assert.ok(cell.width >= 40, `calendar cells are ${cell.width} px wide`);
    await shot('phone-duty-roster.png');
    res = await page.goto(`${srv.base}/v/renhe/coverage`);
    assert.equal(res.status(), 200);
    await assertNoHorizontalScroll('coverage');
    await shot('phone-duty-coverage.png');
    res = await page.goto(`${srv.base}/v/renhe/duty-log`);
    assert.equal(res.status(), 200);
    await assertNoHorizontalScroll('the duty log');
    await shot('phone-duty-log.png');
  });
});
