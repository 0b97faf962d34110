// home.test.mjs — the pages in a real browser (Debian's Chromium through playwright-core):
// a 360 px phone with JavaScript off, and a 1280 px desktop. Screenshots go to test-results/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, startServer, stopServer } from '../http/lib.mjs';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const SHOTS = path.join(ROOT, 'test-results');

let srv, browser;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  srv = await startServer();
  // chromium.launch() gives the browser a fresh temporary profile of its own.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30000 });
});
after(async () => {
  if (browser) await browser.close();
  await stopServer(srv);
});

const VILLAGES = ['任河村', '银杏村', '大山村', '高坪村'];

/** Page width problems: anything wider than the viewport. */
async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > vw + 0.5)
      .map((el) => `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ')[0]}` : ''}`);
    return { scrollWidth: document.documentElement.scrollWidth, vw, wide: [...new Set(wide)].slice(0, 10) };
  });
}

async function assertNoHorizontalScroll(page, width) {
  const o = await horizontalOverflow(page);
  assert.ok(o.scrollWidth <= width, `horizontal scroll: scrollWidth ${o.scrollWidth} > ${width}; too wide: ${o.wide.join(', ')}`);
}

describe('phone, 360×740, JavaScript disabled', () => {
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

  test('the home page lists the villages, visible, without horizontal scroll', async () => {
    const res = await page.goto(`${srv.base}/`);
    assert.equal(res.status(), 200);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(await page.locator('h1').innerText(), '村级党群服务中心');
    for (const v of VILLAGES) {
      const link = page.getByRole('link', { name: new RegExp(v) });
      assert.equal(await link.count(), 1, `${v} link count`);
      const box = await link.boundingBox();
      assert.ok(box && box.width > 0 && box.height > 0, `${v} not visible`);
      assert.ok(box.x >= 0 && box.x + box.width <= 360 + 0.5, `${v} card sticks out: ${JSON.stringify(box)}`);
    }
    // the stylesheet is applied (CSP allows it): the header is red
    const bg = await page.locator('header.top').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(bg, 'rgb(183, 28, 28)');
    // the three pillars are in the header, one row, each at least a comfortable tap target
    const pillars = page.locator('nav.pillars a');
    assert.deepEqual(await pillars.allInnerTexts(), ['改', '管', '用']);
    for (let i = 0; i < 3; i++) {
      const b = await pillars.nth(i).boundingBox();
      assert.ok(b.height >= 32, `pillar ${i} is only ${b.height} px high`);
    }
    // nothing but the "English" switch is in English on the Chinese home page
    const english = await page.evaluate(() => {
      const clone = document.body.cloneNode(true);
      clone.querySelectorAll('a.lang, script, style').forEach((el) => el.remove());
      return clone.innerText.match(/[A-Za-z]{2,}(?:[ '’-]+[A-Za-z]+)*/g) || [];
    });
    assert.deepEqual(english, [], 'English words on the Chinese home page');
    await assertNoHorizontalScroll(page, 360);
    await page.screenshot({ path: path.join(SHOTS, 'phone-home.png'), fullPage: true });
  });

  test('tapping 任河村 opens /v/renhe with its center', async () => {
    await page.goto(`${srv.base}/`);
    await page.getByRole('link', { name: /任河村/ }).click();
    await page.waitForURL(/\/v\/renhe$/);
    assert.equal(await page.locator('h1').innerText(), '任河村');
    const center = page.locator('section.center');
    assert.ok(await center.isVisible(), 'center section not visible');
    const text = await center.innerText();
    assert.ok(text.includes('任河村党群服务中心'), text);
    assert.ok(text.includes('站儿巷镇任河村村委会院内'), text);
    assert.ok(text.includes('开放时间'), text);
    await assertNoHorizontalScroll(page, 360);
    await page.screenshot({ path: path.join(SHOTS, 'phone-renhe.png'), fullPage: true });
  });

  test('the English link switches the language and stays on the page', async () => {
    await page.goto(`${srv.base}/v/renhe`);
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/\/v\/renhe$/);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.locator('h1').innerText(), 'Renhe Village');
    assert.ok((await page.locator('section.center').innerText()).includes('Address'));
    // the cookie keeps English on the next page
    await page.goto(`${srv.base}/`);
    assert.equal(await page.locator('h1').innerText(), 'Village Party-Mass Service Centers');
    assert.ok(await page.getByRole('link', { name: /Renhe Village/ }).isVisible());
    await assertNoHorizontalScroll(page, 360);
    await page.screenshot({ path: path.join(SHOTS, 'phone-home-en.png'), fullPage: true });
    // and back to Chinese
    await page.getByRole('link', { name: '中文' }).click();
    await page.waitForURL(new RegExp(`^${srv.base}/$`));
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  });

  test('an unknown village shows the Chinese 404 page without horizontal scroll', async () => {
    const res = await page.goto(`${srv.base}/v/nosuch`);
    assert.equal(res.status(), 404);
    assert.ok((await page.locator('h1').innerText()).includes('页面不存在'));
    await assertNoHorizontalScroll(page, 360);
  });
});

describe('desktop, 1280×800', () => {
  let ctx, page;
  before(async () => {
    ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    page = await ctx.newPage();
  });
  after(async () => { if (ctx) await ctx.close(); });

  test('the home page: nav in the header row, villages in a grid, no horizontal scroll', async () => {
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    const res = await page.goto(`${srv.base}/`);
    assert.equal(res.status(), 200);
    for (const v of VILLAGES) assert.ok(await page.getByRole('link', { name: new RegExp(v) }).isVisible(), v);
    const brand = await page.locator('header.top .brand').boundingBox();
    const nav = await page.locator('nav.pillars').boundingBox();
    assert.ok(Math.abs(brand.y + brand.height / 2 - (nav.y + nav.height / 2)) < 12, 'pillar nav not on the header row');
    const cards = page.locator('ul.villages li');
    const a = await cards.nth(0).boundingBox();
    const b = await cards.nth(1).boundingBox();
    assert.equal(Math.round(a.y), Math.round(b.y), 'village cards are not laid out side by side');
    const main = await page.locator('main').boundingBox();
    assert.ok(main.width <= 60 * 16 + 1, `main is ${main.width} px wide`);
    await assertNoHorizontalScroll(page, 1280);
    assert.deepEqual(errors, [], 'console errors (CSP violations?)');
    await page.screenshot({ path: path.join(SHOTS, 'desktop-home.png'), fullPage: true });
  });

  test('the village page on desktop', async () => {
    await page.goto(`${srv.base}/v/renhe`);
    assert.ok(await page.locator('section.center').isVisible());
    await assertNoHorizontalScroll(page, 1280);
    await page.screenshot({ path: path.join(SHOTS, 'desktop-renhe.png'), fullPage: true });
  });
});
