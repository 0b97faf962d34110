// appeal_lib.mjs — helpers of the 民事直说 (appeals) tests, on top of lib.mjs and auth_lib.mjs.
//
//   zh(msgid)                 the Simplified Chinese of a UI string, read from po/zh_CN.po now
//                             (the msgid itself while it is untranslated), so tests follow the catalogue
//   ALLOWED, allowedKeys()    the state machine of the design, as a table
//   startAppealServer()       a demo server with a chosen --public-rate
//   submitPublic(), track(), rate(), transition(), getCase(), listCases()
//   advance()                 push a case through a list of actions
//   auditSeq()                GET /api/v1/audit/head → seq
//   counts()                  rows of appeal, appeal_event and audit in the database
//   setDeadline()             move a case's deadline with the sqlite3 CLI
//   textOf(), formActions()   reading the server-rendered pages
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, startServer } from './lib.mjs';
import { call, createToken, login, sqlOk, sqlScalar } from './auth_lib.mjs';

// ---------------------------------------------------------------------------
// The catalogue

function unquote(s) {
  // a .po string literal body: \" \\ \n \t
  return s.replace(/\\(["\\nt])/g, (_, c) => ({ '"': '"', '\\': '\\', n: '\n', t: '\t' })[c]);
}

/** msgid → msgstr of po/zh_CN.po as it is on disk now (empty translations left out). */
export function readCatalogue(file = path.join(ROOT, 'po', 'zh_CN.po')) {
  const map = new Map();
  let cur = null; // { id, str, field }
  const flush = () => {
    if (cur && cur.id && cur.str) map.set(cur.id, cur.str);
    cur = null;
  };
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    let m;
    if (!line || line.startsWith('#')) continue;
    if ((m = /^msgid\s+"(.*)"$/.exec(line))) {
      flush();
      cur = { id: unquote(m[1]), str: '', field: 'id' };
    } else if ((m = /^msgstr\s+"(.*)"$/.exec(line)) && cur) {
      cur.str = unquote(m[1]);
      cur.field = 'str';
    } else if ((m = /^"(.*)"$/.exec(line)) && cur) {
      cur[cur.field] += unquote(m[1]);
    }
  }
  flush();
  return map;
}

let catalogue = null;
/** The Chinese a zh-CN page shows for msgid (the msgid while it has no translation). */
export function zh(msgid) {
  if (!catalogue) catalogue = readCatalogue();
  return catalogue.get(msgid) || msgid;
}

/** The label msgids of the vocabulary (src/modules/appeal/appeal_rules.c). */
export const LABELS = {
  kind: { village: 'Village matter', neighbour: "Neighbours' matter", family: 'Family matter' },
  state: {
    received: 'Received', registered: 'Registered', assigned: 'Assigned', in_progress: 'In progress',
    escalated: 'Escalated', resolved: 'Resolved', answered: 'Answered', rated: 'Rated', closed: 'Closed',
    reopened: 'Reopened',
  },
  rating: { satisfied: 'Satisfied', basic: 'Basically satisfied', unsatisfied: 'Unsatisfied' },
};

// ---------------------------------------------------------------------------
// The state machine of the design (appeal.h; the unit test holds the same table)

export const ACTIONS = ['register', 'assign', 'start', 'escalate', 'resolve', 'answer', 'rate', 'close', 'note'];
/** state → actions allowed; 'escalate' only while below the county (escalation < 2). */
export const ALLOWED = {
  received: ['register'],
  registered: ['assign', 'escalate', 'note'],
  assigned: ['start', 'escalate', 'note'],
  in_progress: ['escalate', 'resolve', 'note'],
  escalated: ['assign', 'escalate', 'resolve', 'note'],
  resolved: ['answer', 'note'],
  answered: ['rate', 'close', 'note'],
  rated: ['close', 'note'],
  reopened: ['assign', 'escalate', 'note'],
  closed: [],
};
/**
 * The actions a cadre may take now, in ACTIONS order (the order the server lists them in):
 * the design table without `rate`, which is the raiser's (the API's allowed_actions and
 * its 409 messages leave it out).
 */
export function allowedKeys(state, escalation = 0) {
  return ACTIONS.filter((a) => a !== 'rate' && ALLOWED[state].includes(a) && !(a === 'escalate' && escalation >= 2));
}

// ---------------------------------------------------------------------------
// Servers and requests

/** A demo server; `rate` is --public-rate (public submissions per address per hour). */
export function startAppealServer({ rate = 100000, args = [] } = {}) {
  return startServer({ args: ['--public-rate', String(rate), ...args] });
}

/** A Bearer token of a demo login: { token }. */
export async function tokenFor(base, loginName) {
  const s = await login(base, loginName);
  const t = await createToken(base, s, `appeal-${loginName}`);
  return { token: t.token };
}

let seq = 0;
/** A short marker unique in this process, to find one's own cases by search. */
export function marker(prefix = 'mk') {
  seq += 1;
  return `${prefix}${process.pid}x${seq}x${Math.floor(Math.random() * 1e6)}`;
}

/** POST /api/v1/public/appeals; returns the call() result. */
export function submitPublic(base, fields) {
  return call(base, 'POST', '/api/v1/public/appeals', { json: fields });
}

/** Submit and assert 201; resolves { number, code, r }. */
export async function newPublicCase(base, fields = {}) {
  const body = { village: 'renhe', kind: 'village', content: '村口路灯坏了，晚上看不清路。', ...fields };
  const r = await submitPublic(base, body);
  assert.equal(r.status, 201, `public submit: ${r.status} ${r.text}`);
  return { number: r.json.number, code: r.json.tracking_code, r };
}

/** GET /api/v1/public/appeals/{number}?code= */
export function track(base, number, code) {
  const q = code === undefined ? '' : `?code=${encodeURIComponent(code)}`;
  return call(base, 'GET', `/api/v1/public/appeals/${encodeURIComponent(number)}${q}`);
}

/** POST /api/v1/public/appeals/{number}/rating */
export function rate(base, number, code, rating) {
  return call(base, 'POST', `/api/v1/public/appeals/${encodeURIComponent(number)}/rating`, { json: { code, rating } });
}

/** POST /api/v1/appeals/{number}/transitions */
export function transition(base, auth, number, body) {
  return call(base, 'POST', `/api/v1/appeals/${encodeURIComponent(number)}/transitions`, { auth, json: body });
}

export function getCase(base, auth, number) {
  return call(base, 'GET', `/api/v1/appeals/${encodeURIComponent(number)}`, { auth });
}

/** GET /api/v1/appeals?query (an object or a string). */
export function listCases(base, auth, query = {}) {
  const qs = typeof query === 'string' ? query : new URLSearchParams(query).toString();
  return call(base, 'GET', `/api/v1/appeals${qs ? `?${qs}` : ''}`, { auth });
}

/** The body of each action when pushing a case along. */
export function actionBody(action, owner = 'renhe-cadre') {
  switch (action) {
    case 'assign': return { action, mode: 'cadre_led', owner };
    case 'escalate': return { action, text: '站儿巷镇综治中心' };
    case 'resolve': return { action, text: '内部：已联系电工更换灯泡。' };
    case 'answer': return { action, text: '路灯已修好，感谢您的反映。' };
    case 'note': return { action, text: '内部备注：已电话回访。' };
    default: return { action };
  }
}

/** Apply each action in turn (strings or full bodies), asserting 200; resolves the last case JSON. */
export async function advance(base, auth, number, actions) {
  let last = null;
  for (const a of actions) {
    const body = typeof a === 'string' ? actionBody(a) : a;
    const r = await transition(base, auth, number, body);
    assert.equal(r.status, 200, `${body.action} on ${number}: ${r.status} ${r.text}`);
    last = r.json;
  }
  return last;
}

export async function auditSeq(base) {
  const r = await call(base, 'GET', '/api/v1/audit/head');
  assert.equal(r.status, 200, r.text);
  return r.json.seq;
}

/** Row counts of the appeal tables and the audit trail. */
export async function counts(db) {
  const [line] = await sqlOk(db, 'SELECT (SELECT count(*) FROM appeal), (SELECT count(*) FROM appeal_event), (SELECT count(*) FROM audit)');
  const [appeals, events, audit] = line.split('|').map(Number);
  return { appeals, events, audit };
}

/** Set a case's deadline to now + offset seconds (negative: in the past). */
export async function setDeadline(db, number, offsetSeconds) {
  assert.match(number, /^[0-9-]+$/);
  await sqlOk(db, `UPDATE appeal SET deadline = strftime('%s','now') + (${Number(offsetSeconds)}) WHERE number = '${number}'`);
}

export function caseColumn(db, number, column) {
  assert.match(number, /^[0-9-]+$/);
  assert.match(column, /^[a-z_]+$/);
  return sqlScalar(db, `SELECT ${column} FROM appeal WHERE number = '${number}'`);
}

// ---------------------------------------------------------------------------
// Pages

/** The visible text of an HTML fragment (tags dropped, whitespace folded, basic entities decoded). */
export function textOf(html) {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The values of the hidden "action" fields of the transition forms on a case page. */
export function formActions(html) {
  return [...html.matchAll(/<input type="hidden" name="action" value="([a-z_]+)">/g)].map((m) => m[1]);
}

/** The number and tracking code a receipt page shows (from its tracking link). */
export function receiptOf(html) {
  const m = /href="\/track\?number=([0-9-]+)&amp;code=([0-9A-Z-]+)"/.exec(html);
  return m ? { number: m[1], code: m[2] } : null;
}
