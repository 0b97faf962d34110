// duty_lib.mjs — helpers of the 管 duty tests (roster, check-in, whereabouts, coverage, posts).
//
//   localDay(), dayStart(), fmtDate(), monthOf()   the server's local calendar (same TZ as this process)
//   qrSecret(db, code, week)                       a center's QR secret, computed here from the stored key
//   qrWeek(t)                                      the Monday-based week index of an instant
//   unfoldIcs(text)                                RFC 5545 unfolding, with the line checks
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { sqlScalar } from './auth_lib.mjs';

export const nowSec = () => Math.floor(Date.now() / 1000);
/** Seconds east of UTC of local time at t (this process's TZ, which the server shares). */
export const tzOff = (t = nowSec()) => -new Date(t * 1000).getTimezoneOffset() * 60;
export const localDay = (t = nowSec()) => Math.floor((t + tzOff(t)) / 86400);
export const dayStart = (day) => day * 86400 - tzOff(day * 86400 + 43200);
export const fmtDate = (day) => new Date(day * 86400e3).toISOString().slice(0, 10);
export const dayOf = (s) => Math.floor(Date.parse(`${s}T00:00:00Z`) / 86400e3);
/** 1 Monday … 7 Sunday */
export const weekday = (day) => ((((day % 7) + 7) % 7 + 3) % 7) + 1;
/** "YYYY-MM" of a day, and the month `delta` months from it. */
export function monthOf(day, delta = 0) {
  const d = new Date(day * 86400e3);
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + delta, 1));
  return m.toISOString().slice(0, 7);
}
export function monthDays(month) {
  const [y, m] = month.split('-').map(Number);
  const first = Math.floor(Date.UTC(y, m - 1, 1) / 86400e3);
  const next = Math.floor(Date.UTC(y, m, 1) / 86400e3);
  return { first, last: next - 1, n: next - first };
}
export const qrWeek = (t = nowSec()) => Math.floor((localDay(t) - 4) / 7);

/** The QR secret of a village's center for a week: HMAC-SHA-512-256 (first 10 bytes, hex). */
export async function qrSecret(db, code, week) {
  const keyHex = await sqlScalar(db, 'SELECT key_hex FROM duty_key WHERE id = 1');
  assert.match(keyHex || '', /^[0-9a-f]{64}$/, 'no duty key yet');
  const center = await sqlScalar(db, `SELECT c.id FROM center c JOIN org o ON o.id = c.org_id WHERE o.code = '${code}'`);
  const mac = createHmac('sha512', Buffer.from(keyHex, 'hex')).update(`zhendi:duty-qr:v1:${center}:${week}`).digest();
  return mac.subarray(0, 10).toString('hex');
}

/** Unfold an iCalendar text after checking its lines: CRLF only, at most 75 octets each. */
export function unfoldIcs(text) {
  assert.ok(text.endsWith('\r\n'), 'ends with CRLF');
  assert.ok(!/[^\r]\n/.test(text), 'a bare LF');
  const physical = text.slice(0, -2).split('\r\n');
  for (const l of physical) assert.ok(Buffer.byteLength(l, 'utf8') <= 75, `a line of ${Buffer.byteLength(l, 'utf8')} octets: ${l}`);
  const lines = [];
  for (const l of physical) {
    if (l.startsWith(' ')) lines[lines.length - 1] += l.slice(1);
    else lines.push(l);
  }
  return lines;
}

/** The VEVENTs of an unfolded calendar, as { NAME: value } objects (parameters kept in the name). */
export function icsEvents(lines) {
  const out = [];
  let cur = null;
  for (const l of lines) {
    if (l === 'BEGIN:VEVENT') cur = {};
    else if (l === 'END:VEVENT') { out.push(cur); cur = null; } else if (cur) {
      const i = l.indexOf(':');
      cur[l.slice(0, i)] = l.slice(i + 1);
    }
  }
  return out;
}

/** max - min of the values of an object or array. */
export function spread(values) {
  const v = Object.values(values);
  return Math.max(...v) - Math.min(...v);
}

/**
 * What the authorization matrix needs for the duty routes, made by the county admin
 * (and renhe-cadre for its own swap): this week's renhe QR secret,
 * next month's renhe roster and one of its dates, a pending swap, a duty-log entry,
 * a post, a deed, and a personal calendar-feed path.
 */
export async function dutyMatrixPrep(srv, county) {
  const { call, login, sha256hex, sqlOk } = await import('./auth_lib.mjs');
  const ok = (r, status, what) => { assert.equal(r.status, status, `${what}: ${r.status} ${r.text.slice(0, 300)}`); return r; };
  const month = monthOf(localDay(), 1);
  const code = ok(await call(srv.base, 'GET', '/api/v1/villages/renhe/checkin-code', { auth: county }), 200, 'checkin-code');
  const roster = ok(await call(srv.base, 'POST', `/api/v1/villages/renhe/roster/${month}/generate`, { auth: county, json: { replace: true } }), 201, 'roster');
  const cadre = await login(srv.base, 'renhe-cadre');
  const mine = roster.json.shifts.find((s) => s.cadre === 'renhe-cadre');
  const swap = ok(await call(srv.base, 'POST', '/api/v1/villages/renhe/swaps', { auth: cadre, json: { date: mine.date, to: 'renhe-admin' } }), 201, 'swap');
  const log = ok(await call(srv.base, 'POST', '/api/v1/villages/renhe/duty-log', { auth: county, json: { visitor: '矩阵', request: '矩阵来访' } }), 201, 'log');
  const post = ok(await call(srv.base, 'POST', '/api/v1/villages/renhe/posts', { auth: county, json: { kind: 'volunteer', title: '矩阵岗位' } }), 201, 'post');
  const deed = ok(await call(srv.base, 'POST', '/api/v1/villages/renhe/deeds', { auth: county, json: { title: '矩阵实事', owner: '矩阵', promised: fmtDate(localDay() + 30) } }), 201, 'deed');
  // a feed of renhe-member's, whom no matrix cell can renew (the POST /duty/feed cells renew the callers' own)
  const token = 'matrix-feed-token-0123456789abcdefghijklmnop';
  await sqlOk(srv.db, `INSERT INTO duty_feed(user_id, token_hash, created_at) VALUES((SELECT id FROM users WHERE login = 'renhe-member'), '${sha256hex(token)}', 0)`);
  const feed = `/duty/feed/${token}.ics`;
  return { secret: code.json.secret, month, date: roster.json.shifts[0].date, swapId: swap.json.id, logId: log.json.id, postId: post.json.id, deedId: deed.json.id, feed, today: fmtDate(localDay()) };
}
