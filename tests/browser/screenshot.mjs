// screenshot.mjs — not a test: start a demo server and write the README pictures
//   docs/img/home.png        desktop, 1280×800
//   docs/img/home-phone.png  phone,   360×740
// Run: make screenshot, or  ZHENDI_BIN=build/zhendi node tests/browser/screenshot.mjs
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, startServer } from '../http/lib.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const OUT = path.join(ROOT, 'docs', 'img');

const shots = [
  { file: 'home.png', viewport: { width: 1280, height: 800 }, mobile: false },
  { file: 'home-phone.png', viewport: { width: 360, height: 740 }, mobile: true },
];

mkdirSync(OUT, { recursive: true });
const srv = await startServer();
let browser;
try {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30000 });
  for (const s of shots) {
    const ctx = await browser.newContext({
      viewport: s.viewport,
      deviceScaleFactor: 1,
      isMobile: s.mobile,
      hasTouch: s.mobile,
      locale: 'zh-CN',
    });
    const page = await ctx.newPage();
    const res = await page.goto(`${srv.base}/`, { waitUntil: 'load' });
    if (res.status() !== 200) throw new Error(`GET / answered ${res.status()}`);
    await page.evaluate(() => document.fonts.ready);
    const file = path.join(OUT, s.file);
    await page.screenshot({ path: file });
    console.log(`wrote ${path.relative(ROOT, file)} (${s.viewport.width}×${s.viewport.height})`);
    await ctx.close();
  }
} finally {
  if (browser) await browser.close();
  await srv.stop();
}
