// pages.test.mjs — the server-rendered pages: home, pillars, villages, 404, language switch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rawGet, rawRequest, startServer, stopServer } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(() => stopServer(srv));

const get = (p, init) => fetch(srv.base + p, { redirect: 'manual', ...init });

const VILLAGES = [
  ['renhe', '任河村', 'Renhe Village'],
  ['yinxing', '银杏村', 'Yinxing Village'],
  ['dashan', '大山村', 'Dashan Village'],
  ['gaoping', '高坪村', 'Gaoping Village'],
];

async function html(p, init) {
  const res = await get(p, init);
  return { res, text: await res.text() };
}

/** The visible text of an HTML fragment (tags dropped, entities left). */
const textOf = (h) => h.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

/** Runs of three or more English words in the <main> of a page: untranslated text on a Chinese page. */
function englishRuns(page) {
  const main = /<main>([\s\S]*?)<\/main>/.exec(page);
  const t = textOf(main ? main[1] : page);
  return t.match(/[A-Za-z][A-Za-z'’-]*(?:[ ,;:.]+[A-Za-z][A-Za-z'’-]*){2,}/g) || [];
}

describe('home page', () => {
  test('GET / is a Chinese HTML page listing the demo villages with links', async () => {
    const { res, text } = await html('/');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/html\b/);
    assert.match(text, /^<!doctype html>/i);
    assert.match(text, /<html lang="zh-CN"/);
    assert.ok(text.includes('村级党群服务中心'), 'Chinese heading missing');
    for (const [code, name] of VILLAGES) {
      const link = new RegExp(`<a href="/v/${code}"><strong>${name}</strong>`);
      assert.match(text, link, `village ${name} with link /v/${code}`);
    }
    assert.ok(text.includes('站儿巷镇'), 'township name missing');
    // four more demo villages, eight in all
    assert.equal(new Set([...text.matchAll(/href="\/v\/([a-z0-9_-]+)"/g)].map((m) => m[1])).size, 8);
  });

  test('the nav has the three pillars 改 管 用', async () => {
    const { text } = await html('/');
    const nav = /<nav class="pillars"[^>]*>([\s\S]*?)<\/nav>/.exec(text);
    assert.ok(nav, 'no pillar nav');
    const links = [...nav[1].matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(links, [['/gai', '改'], ['/guan', '管'], ['/yong', '用']]);
  });

  test('the page links its stylesheet and an English switch', async () => {
    const { text } = await html('/');
    assert.match(text, /<link rel="stylesheet" href="\/static\/style\.css\?v=[0-9a-f]+">/);
    assert.match(text, /<a class="lang" href="\/lang\/en\?next=(?:\/|%2F)"[^>]*>English<\/a>/);
  });

  test('HEAD / → 200 with the headers and no body', async () => {
    const res = await get('/', { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/html\b/);
    assert.equal((await res.arrayBuffer()).byteLength, 0);
  });
});

describe('pillar pages', () => {
  for (const [p, title] of [['/gai', '改'], ['/guan', '管'], ['/yong', '用']]) {
    test(`GET ${p} → 200, marked current in the nav, lists the villages`, async () => {
      const { res, text } = await html(p);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type'), /^text\/html\b/);
      assert.match(text, new RegExp(`<h1>${title}</h1>`));
      assert.match(text, new RegExp(`<a href="${p}" aria-current="page"`));
      assert.ok(text.includes('href="/v/renhe"'), 'villages not listed');
    });
  }
});

describe('village pages', () => {
  test('GET /v/renhe shows the village and its center with the address', async () => {
    const { res, text } = await html('/v/renhe');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/html\b/);
    assert.match(text, /<h1>任河村<\/h1>/);
    assert.ok(text.includes('任河村党群服务中心'), 'center name');
    assert.ok(text.includes('站儿巷镇任河村村委会院内'), 'center address');
    assert.ok(text.includes('地址'), 'address label in Chinese');
    assert.ok(text.includes('0939-7260101'), 'phone');
    assert.ok(text.includes('<a href="/">站儿巷镇</a>'), 'breadcrumb to the township');
  });

  for (const code of ['yinxing', 'dashan', 'gaoping']) {
    test(`GET /v/${code} → 200`, async () => {
      const { res, text } = await html(`/v/${code}`);
      assert.equal(res.status, 200);
      assert.ok(text.includes('党群服务中心'));
    });
  }

  test('GET /v/nosuch → 404 Chinese HTML page 页面不存在', async () => {
    const { res, text } = await html('/v/nosuch');
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type'), /^text\/html\b/);
    assert.match(text, /<html lang="zh-CN"/);
    assert.ok(text.includes('页面不存在'));
    assert.ok(text.includes('返回首页'), 'link back home');
  });

  test('GET /v/zhanerxiang (a township, not a village) → 404', async () => {
    const { res, text } = await html('/v/zhanerxiang');
    assert.equal(res.status, 404);
    assert.ok(text.includes('页面不存在'));
  });

  test('GET /v/liangdang (a county) → 404', async () => {
    assert.equal((await get('/v/liangdang')).status, 404);
  });

  test('an unknown page /nosuch → 404 Chinese HTML page', async () => {
    const { res, text } = await html('/nosuch');
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type'), /^text\/html\b/);
    assert.ok(text.includes('页面不存在'));
  });
});

describe('language', () => {
  test('GET /lang/en?next=/v/renhe → 303 to /v/renhe, sets lang=en', async () => {
    const res = await get('/lang/en?next=/v/renhe');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/v/renhe');
    const cookie = res.headers.get('set-cookie') || '';
    assert.match(cookie, /^lang=en(;|$)/);
    assert.match(cookie, /Path=\//);
  });

  test('GET /lang/zh?next=/ → 303, sets lang=zh', async () => {
    const res = await get('/lang/zh?next=/');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/');
    assert.match(res.headers.get('set-cookie') || '', /^lang=zh(;|$)/);
  });

  test('with Cookie lang=en the home page is in English', async () => {
    const { res, text } = await html('/', { headers: { cookie: 'lang=en' } });
    assert.equal(res.status, 200);
    assert.match(text, /<html lang="en"/);
    assert.ok(text.includes('Village Party-Mass Service Centers'));
    assert.ok(text.includes('Renhe Village'));
    assert.ok(!text.includes('村级党群服务中心'), 'Chinese heading on the English page');
    assert.match(text, /<a class="lang" href="\/lang\/zh\?next=(?:\/|%2F)"[^>]*>中文<\/a>/);
  });

  test('?lang=en works without a cookie', async () => {
    const { text } = await html('/?lang=en');
    assert.match(text, /<html lang="en"/);
    for (const [, , en] of VILLAGES) assert.ok(text.includes(en), en);
  });

  test('the village page in English keeps the center data', async () => {
    const { res, text } = await html('/v/renhe', { headers: { cookie: 'lang=en' } });
    assert.equal(res.status, 200);
    assert.match(text, /<h1>Renhe Village<\/h1>/);
    assert.ok(text.includes('Address'));
    assert.ok(text.includes('站儿巷镇任河村村委会院内'));
  });

  test('an unknown cookie value falls back to Chinese', async () => {
    const { text } = await html('/', { headers: { cookie: 'lang=fr' } });
    assert.match(text, /<html lang="zh-CN"/);
  });

  test('no open redirect: /lang/en?next=//evil.example → /', async () => {
    for (const next of ['//evil.example', 'http://evil.example/', '/\\evil.example', 'evil', '%2F%2Fevil.example']) {
      const res = await get(`/lang/en?next=${next}`);
      assert.equal(res.status, 303, next);
      assert.equal(res.headers.get('location'), '/', `next=${next}`);
    }
    // and without fetch touching the request line
    const r = await rawRequest(srv.port, rawGet('/lang/en?next=//evil.example'));
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, '/');
  });

  test('GET /lang/fr → 404', async () => {
    const res = await get('/lang/fr?next=/');
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('set-cookie'), null);
  });
});

describe('error pages are fully translated', () => {
  // A Chinese error page should not show an English sentence under its Chinese title.
  const cases = [
    ['404 unknown page', () => get('/nosuch')],
    ['404 unknown village', () => get('/v/nosuch')],
    ['405 POST /', () => get('/', { method: 'POST', body: '' })],
    ['400 invalid UTF-8 in a parameter', () => rawRequest(srv.port, rawGet('/?q=%FF'))],
    ['400 too many parameters', () => rawRequest(srv.port, rawGet(`/?${Array.from({ length: 300 }, (_, i) => `p${i}=1`).join('&')}`))],
  ];
  for (const [what, fn] of cases) {
    test(what, async () => {
      const res = await fn();
      const text = Buffer.isBuffer(res.body) ? res.text() : await res.text(); // raw or fetch response
      assert.match(text, /<html lang="zh-CN"/);
      assert.deepEqual(englishRuns(text), [], `English text on the Chinese ${what} page`);
    });
  }
});
