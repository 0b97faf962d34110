// appeal.test.mjs — 民事直说 in a real browser (Debian's Chromium through playwright-core):
// a 360×740 phone with JavaScript off raises a matter on /v/renhe/appeal, reads the number
// and the code from the receipt, looks it up on /track, and later rates the answer.
// Screenshots go to test-results/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, stopServer } from '../http/lib.mjs';
import { advance, LABELS, startAppealServer, tokenFor, zh } from '../http/appeal_lib.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const SHOTS = path.join(ROOT, 'test-results');
const WIDTH = 360;

let srv, browser, ctx, page;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  srv = await startAppealServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30000 });
  ctx = await browser.newContext({
    viewport: { width: WIDTH, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    javaScriptEnabled: false,
    locale: 'zh-CN',
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
    return { scrollWidth: document.documentElement.scrollWidth, vw, wide: [...new Set(wide)].slice(0, 10) };
  });
  assert.ok(o.scrollWidth <= WIDTH, `${where}: horizontal scroll, scrollWidth ${o.scrollWidth} > ${WIDTH}; too wide: ${o.wide.join(', ')}`);
}

async function assertTappable(locator, what) {
  const b = await locator.boundingBox();
  assert.ok(b && b.width > 0 && b.height > 0, `${what} is not visible`);
  assert.ok(b.x >= 0 && b.x + b.width <= WIDTH + 0.5, `${what} sticks out: ${JSON.stringify(b)}`);
  assert.ok(b.height >= 24, `${what} is only ${b.height} px high`);
}

describe('phone, 360×740, JavaScript disabled', () => {
  const matter = '村口的路灯坏了一个多月，晚上孩子放学看不清路。';
  let number, code;

  test('raise a matter on /v/renhe/appeal and read the number and code from the receipt', async () => {
    const res = await page.goto(`${srv.base}/v/renhe/appeal`);
    assert.equal(res.status(), 200);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await assertNoHorizontalScroll('the form');
    for (const k of ['village', 'neighbour', 'family']) {
      const radio = page.getByLabel(zh(LABELS.kind[k]), { exact: true });
      assert.equal(await radio.count(), 1, `radio ${zh(LABELS.kind[k])}`);
    }
    await assertTappable(page.locator('label.radio').first(), 'the first kind');
    await page.screenshot({ path: path.join(SHOTS, 'phone-appeal-form.png'), fullPage: true });

    await page.getByLabel(zh(LABELS.kind.village), { exact: true }).check();
    await page.locator('textarea[name="content"]').fill(matter);
    await page.locator('input[name="place"]').fill('村口');
    const submit = page.locator('form[action="/v/renhe/appeal"] button[type="submit"]');
    await assertTappable(submit, 'the send button');
    const [resp] = await Promise.all([page.waitForNavigation(), submit.click()]);
    assert.equal(resp.status(), 201);
    const receipt = page.locator('section.receipt');
    assert.ok(await receipt.isVisible(), 'no receipt');
    const dds = await receipt.locator('dl dd').allInnerTexts();
    assert.equal(dds.length, 2, dds.join(' | '));
    [number, code] = dds.map((s) => s.trim());
    assert.match(number, /^\d{6}-\d{4,5}$/);
    assert.match(code, /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    const dts = await receipt.locator('dl dt').allInnerTexts();
    assert.deepEqual(dts.map((s) => s.trim()), [zh('Case number'), zh('Tracking code')]);
    // the number and the code are big enough to read off the screen and fit it
    for (const i of [0, 1]) {
      const b = await receipt.locator('dl dd').nth(i).boundingBox();
      assert.ok(b.x >= 0 && b.x + b.width <= WIDTH + 0.5, `receipt value ${i} sticks out`);
    }
    await assertNoHorizontalScroll('the receipt');
    await page.screenshot({ path: path.join(SHOTS, 'phone-appeal-receipt.png'), fullPage: true });
  });

  test('open /track, type the number and the code, see the status', async () => {
    assert.ok(number && code, 'the previous test did not get a number and a code');
    const res = await page.goto(`${srv.base}/track`);
    assert.equal(res.status(), 200);
    await assertNoHorizontalScroll('the empty tracking form');
    await page.locator('input[name="number"]').fill(number);
    await page.locator('input[name="code"]').fill(code.toLowerCase()); // as typed from paper
    const button = page.locator('form[action="/track"] button[type="submit"]');
    await assertTappable(button, 'the look-up button');
    const [resp] = await Promise.all([page.waitForNavigation(), button.click()]);
    assert.equal(resp.status(), 200);
    const state = page.locator('dd.state');
    assert.equal((await state.innerText()).trim(), zh(LABELS.state.received));
    const text = await page.locator('main').innerText();
    assert.ok(text.includes(number), 'the number is not shown');
    assert.ok(text.includes(zh(LABELS.kind.village)), 'the kind is not shown');
    assert.ok(!text.includes(matter), 'the tracking page shows the matter itself');
    await assertNoHorizontalScroll('the tracking page');
    await page.screenshot({ path: path.join(SHOTS, 'phone-appeal-track.png'), fullPage: true });
  });

  test('a wrong code shows the Chinese message and keeps the number', async () => {
    await page.goto(`${srv.base}/track`);
    await page.locator('input[name="number"]').fill(number);
    await page.locator('input[name="code"]').fill('ZZZZ-ZZZZ');
    const [resp] = await Promise.all([page.waitForNavigation(), page.locator('form[action="/track"] button[type="submit"]').click()]);
    assert.equal(resp.status(), 404);
    assert.equal((await page.locator('p.alert').innerText()).trim(), zh('No case matches this number and code.'));
    assert.equal(await page.locator('input[name="number"]').inputValue(), number);
    await assertNoHorizontalScroll('the wrong-code page');
  });

  test('once answered, the raiser reads the answer and rates it without JavaScript', async () => {
    const tok = await tokenFor(srv.base, 'renhe-cadre');
    const answer = '路灯已经换好了，感谢您的反映！';
    await advance(srv.base, tok, number, ['register', 'assign', 'start', 'resolve', { action: 'answer', text: answer }]);
    const res = await page.goto(`${srv.base}/track?number=${number}&code=${code}`);
    assert.equal(res.status(), 200);
    assert.equal((await page.locator('dd.state').innerText()).trim(), zh(LABELS.state.answered));
    assert.equal((await page.locator('blockquote.answer').innerText()).trim(), answer);
    await assertNoHorizontalScroll('the answered case');
    await page.screenshot({ path: path.join(SHOTS, 'phone-appeal-answered.png'), fullPage: true });
    await page.getByLabel(zh(LABELS.rating.satisfied), { exact: true }).check();
    const [resp] = await Promise.all([page.waitForNavigation(), page.locator('form[action="/track/rate"] button[type="submit"]').click()]);
    assert.equal(resp.status(), 200);
    assert.match(page.url(), /\/track\?number=/);
    assert.equal((await page.locator('dd.state').innerText()).trim(), zh(LABELS.state.rated));
    assert.ok((await page.locator('main').innerText()).includes(zh(LABELS.rating.satisfied)));
    assert.equal(await page.locator('form[action="/track/rate"]').count(), 0, 'the rating form is still offered');
    await assertNoHorizontalScroll('the rated case');
    await page.screenshot({ path: path.join(SHOTS, 'phone-appeal-rated.png'), fullPage: true });
  });
});
