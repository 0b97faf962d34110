// authz_matrix.test.mjs — every route of src/routes.c × every demo role (and no login):
// the expected status of each cell. The route table is parsed from the source, so a new
// route without an entry here fails the test. Run once with Bearer tokens and once with
// session cookies + CSRF token; a mismatch prints the whole matrix.
//
// Rules the expectations follow (identity_rules.c, identity.h):
//   public routes: open to all (the handler's own answer);
//   any other route: 401 without login, 403 when none of the caller's roles grants the
//   route's permission; scope-checked routes: 404 when the target organisation is outside
//   the caller's scope (org_closure below the node where a granting role is held).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer } from './lib.mjs';
import { sampleJpeg, upgradeMatrixPrep, varied } from './upgrade_lib.mjs';
import { dutyMatrixPrep } from './duty_lib.mjs';
import {
  DEMO_LOGINS, DEMO_PW, DEMO_USERS, call, createToken, demoTokens, findSetCookie, login, parseRoutes, sha256hex, sqlOk, sqlScalar,
} from './auth_lib.mjs';

const COLS = ['anon', ...DEMO_LOGINS];

/** The role table, as the issue specifies it (identity_rules.c). */
const ADMIN = ['PERM_LOGIN', 'PERM_ORG_VIEW', 'PERM_ORG_EDIT', 'PERM_USER_MANAGE', 'PERM_AUDIT_READ', 'PERM_PERSONAL_READ', 'PERM_APPEAL_VIEW', 'PERM_APPEAL_HANDLE',
  'PERM_UPGRADE_EDIT', 'PERM_UPGRADE_RECORD', 'PERM_UPGRADE_MANAGE', 'PERM_INSPECT', 'PERM_UPLOAD'];
const ROLE_PERMS = {
  'county-admin': ADMIN,
  'township-admin': ADMIN,
  'area-leader': ['PERM_LOGIN', 'PERM_ORG_VIEW', 'PERM_APPEAL_VIEW', 'PERM_INSPECT', 'PERM_UPLOAD'],
  'center-admin': ['PERM_LOGIN', 'PERM_ORG_VIEW', 'PERM_ORG_EDIT', 'PERM_PERSONAL_READ', 'PERM_APPEAL_VIEW', 'PERM_APPEAL_HANDLE',
    'PERM_UPGRADE_EDIT', 'PERM_UPGRADE_RECORD', 'PERM_UPLOAD'],
  cadre: ['PERM_LOGIN', 'PERM_ORG_VIEW', 'PERM_APPEAL_VIEW', 'PERM_APPEAL_HANDLE', 'PERM_UPGRADE_RECORD', 'PERM_UPLOAD'],
  supervisor: ['PERM_LOGIN', 'PERM_ORG_VIEW', 'PERM_AUDIT_READ', 'PERM_PERSONAL_READ', 'PERM_APPEAL_VIEW'],
  member: ['PERM_LOGIN'],
};
// 管 duty (issue 7): PERM_DUTY_SELF (one's own duty) and PERM_DUTY_MANAGE (running a village's duty)
for (const r of ['county-admin', 'township-admin', 'center-admin']) ROLE_PERMS[r] = [...ROLE_PERMS[r], 'PERM_DUTY_SELF', 'PERM_DUTY_MANAGE'];
ROLE_PERMS.cadre = [...ROLE_PERMS.cadre, 'PERM_DUTY_SELF'];
const grants = (who, perm) => who !== 'anon' && ROLE_PERMS[DEMO_USERS[who][0]].includes(perm);

/** Expected statuses: every column `all`, then the overrides. */
const E = (all, over = {}) => Object.fromEntries(COLS.map((c) => [c, c in over ? over[c] : all]));
/** A permission-gated route: 401 anon, 403 for roles lacking perm, `ok` for the rest, then overrides (scope 404s). */
const G = (perm, ok, over = {}) => Object.fromEntries(COLS.map((c) => {
  if (c in over) return [c, over[c]];
  if (c === 'anon') return [c, 401];
  return [c, grants(c, perm) ? ok : 403];
}));

const NEWPW = 'matrix-password-1';
const SETUP = 'matrix-setup-token-0123456789';
const j = (json) => ({ json });
const isoDaysAgo = (d) => `${new Date(Date.now() - d * 86400e3).toISOString().slice(0, 19)}Z`;
/** The session's CSRF token as a form field (cookie mode); nothing with a Bearer token. */
const csrfField = (c) => (c.auth && c.auth.csrf ? { csrf: c.auth.csrf } : {});

/**
 * The matrix: "METHOD pattern" -> { perm, cases: [{ label, path, req(ctx) -> call options, expect }] }.
 * ctx: { who, auth, mode, uniq, prep, srv }; req may return { path, opts } to override the path.
 */
const MATRIX = {
  'GET /healthz': { perm: 'PERM_PUBLIC', cases: [{ path: '/healthz', expect: E(200) }] },
  'GET /metrics': { perm: 'PERM_PUBLIC', cases: [{ path: '/metrics', expect: E(200) }] },
  'GET /static/{file}': { perm: 'PERM_PUBLIC', cases: [{ path: '/static/style.css', expect: E(200) }] },
  'GET /lang/{lang}': { perm: 'PERM_PUBLIC', cases: [{ path: '/lang/en?next=/', expect: E(303) }] },
  'GET /': { perm: 'PERM_PUBLIC', cases: [{ path: '/', expect: E(200) }] },
  'GET /gai': { perm: 'PERM_PUBLIC', cases: [{ path: '/gai', expect: E(200) }] },
  'GET /guan': { perm: 'PERM_PUBLIC', cases: [{ path: '/guan', expect: E(200) }] },
  'GET /yong': { perm: 'PERM_PUBLIC', cases: [{ path: '/yong', expect: E(200) }] },
  'GET /v/{code}': { perm: 'PERM_PUBLIC', cases: [{ path: '/v/renhe', expect: E(200) }] },
  'GET /api/v1/orgs/{code}': {
    perm: 'PERM_PUBLIC',
    cases: [{ path: '/api/v1/orgs/renhe', expect: E(200) }, { path: '/api/v1/orgs/nosuch', expect: E(404) }],
  },
  'POST /api/v1/orgs': {
    perm: 'PERM_ORG_EDIT',
    cases: [
      {
        label: 'party group under renhe-dzb',
        path: '/api/v1/orgs',
        req: (c) => j({ code: `g-${c.uniq}`, kind: 'party_group', name: `党小组${c.uniq}`, parent: 'renhe-dzb' }),
        expect: G('PERM_ORG_EDIT', 201, { 'yinxing-admin': 404 }),
      },
      {
        label: 'village under zhanerxiang',
        path: '/api/v1/orgs',
        req: (c) => j({ code: `v-${c.uniq}`, kind: 'village', name: `新村${c.uniq}`, parent: 'zhanerxiang', name_en: 'New' }),
        expect: G('PERM_ORG_EDIT', 201, { 'renhe-admin': 404, 'yinxing-admin': 404 }),
      },
    ],
  },
  'PATCH /api/v1/orgs/{code}': {
    perm: 'PERM_ORG_EDIT',
    cases: [
      { path: '/api/v1/orgs/renhe', req: () => j({ name_en: 'Renhe Village' }), expect: G('PERM_ORG_EDIT', 200, { 'yinxing-admin': 404 }) },
      { path: '/api/v1/orgs/yinxing', req: () => j({ name_en: 'Yinxing Village' }), expect: G('PERM_ORG_EDIT', 200, { 'renhe-admin': 404 }) },
      { path: '/api/v1/orgs/zhanerxiang', req: () => j({ name: '站儿巷镇' }), expect: G('PERM_ORG_EDIT', 200, { 'renhe-admin': 404, 'yinxing-admin': 404 }) },
      { path: '/api/v1/orgs/liangdang', req: () => j({ name: '两当县' }), expect: G('PERM_ORG_EDIT', 200, { township: 404, 'renhe-admin': 404, 'yinxing-admin': 404 }) },
    ],
  },
  'GET /login': { perm: 'PERM_PUBLIC', cases: [{ path: '/login', expect: E(200) }] },
  'POST /login': {
    perm: 'PERM_PUBLIC',
    cases: [
      {
        label: 'own credentials, double-submit token',
        path: '/login',
        req: (c) => ({ cookies: { zd_pre: 'pre-matrix-token' }, form: { csrf: 'pre-matrix-token', login: c.who === 'anon' ? 'renhe-cadre' : c.who, password: DEMO_PW } }),
        expect: E(303),
      },
      {
        label: 'no double-submit token',
        path: '/login',
        req: (c) => ({ form: { login: c.who === 'anon' ? 'renhe-cadre' : c.who, password: DEMO_PW } }),
        expect: E(403),
      },
    ],
  },
  'POST /logout': {
    perm: 'PERM_LOGIN',
    cases: [{ path: '/logout', fresh: true, req: (c) => ({ form: c.auth && c.auth.csrf ? { csrf: c.auth.csrf } : {} }), expect: G('PERM_LOGIN', 303) }],
  },
  'GET /me': { perm: 'PERM_LOGIN', cases: [{ path: '/me', expect: G('PERM_LOGIN', 200) }] },
  'GET /o/{code}/users': {
    perm: 'PERM_ORG_VIEW',
    cases: [
      { path: '/o/renhe/users', expect: G('PERM_ORG_VIEW', 200, { 'yinxing-admin': 404 }) },
      { path: '/o/yinxing/users', expect: G('PERM_ORG_VIEW', 200, { 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404 }) },
      { path: '/o/dashan/users', expect: G('PERM_ORG_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) },
    ],
  },
  'POST /o/{code}/users': {
    perm: 'PERM_USER_MANAGE',
    cases: [
      {
        path: '/o/renhe/users',
        req: (c) => ({ form: { ...(c.auth && c.auth.csrf ? { csrf: c.auth.csrf } : {}), login: `p-${c.uniq}`, display_name: 'x', password: NEWPW, role: 'cadre' } }),
        expect: G('PERM_USER_MANAGE', 201),
      },
      {
        label: 'village of another township',
        path: '/o/xinancun/users',
        req: (c) => ({ form: { ...(c.auth && c.auth.csrf ? { csrf: c.auth.csrf } : {}), login: `q-${c.uniq}`, display_name: 'x', password: NEWPW, role: 'cadre' } }),
        expect: G('PERM_USER_MANAGE', 201, { township: 404 }),
      },
    ],
  },
  'GET /setup': {
    perm: 'PERM_PUBLIC',
    cases: [{ path: `/setup?token=${SETUP}`, expect: E(200) }, { path: '/setup?token=wrong', expect: E(404) }],
  },
  'POST /setup': {
    perm: 'PERM_PUBLIC',
    cases: [{
      label: 'a wrong setup token',
      path: '/setup',
      req: (c) => ({ form: { token: 'wrong', county_name: '某县', county_code: `c-${c.uniq}`, login: `s-${c.uniq}`, password: NEWPW } }),
      expect: E(404),
    }],
  },
  'POST /api/v1/session': {
    perm: 'PERM_PUBLIC',
    cases: [{ path: '/api/v1/session', req: (c) => j({ login: c.who === 'anon' ? 'renhe-cadre' : c.who, password: DEMO_PW }), expect: E(200) }],
  },
  // with a Bearer token there is no session to end: 400 says to revoke the token instead
  'DELETE /api/v1/session': { perm: 'PERM_LOGIN', cases: [{ path: '/api/v1/session', fresh: true, expect: G('PERM_LOGIN', 204), expectFor: (mode) => G('PERM_LOGIN', mode === 'token' ? 400 : 204) }] },
  'GET /api/v1/me': { perm: 'PERM_LOGIN', cases: [{ path: '/api/v1/me', expect: G('PERM_LOGIN', 200) }] },
  'GET /api/v1/orgs/{code}/users': {
    perm: 'PERM_ORG_VIEW',
    cases: [
      { path: '/api/v1/orgs/renhe/users', expect: G('PERM_ORG_VIEW', 200, { 'yinxing-admin': 404 }) },
      { path: '/api/v1/orgs/renhe-dzb/users', expect: G('PERM_ORG_VIEW', 200, { 'yinxing-admin': 404 }) },
      { path: '/api/v1/orgs/yinxing/users', expect: G('PERM_ORG_VIEW', 200, { 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404 }) },
      { path: '/api/v1/orgs/dashan/users', expect: G('PERM_ORG_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) },
      { path: '/api/v1/orgs/zhanerxiang/users', expect: G('PERM_ORG_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) },
      { path: '/api/v1/orgs/liangdang/users', expect: G('PERM_ORG_VIEW', 200, { township: 404, leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) },
      { path: '/api/v1/orgs/xinancun/users', expect: G('PERM_ORG_VIEW', 200, { township: 404, leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) },
      { label: 'unknown org', path: '/api/v1/orgs/nosuch/users', expect: G('PERM_ORG_VIEW', 404) },
    ],
  },
  'POST /api/v1/users': {
    perm: 'PERM_USER_MANAGE',
    cases: [
      { path: '/api/v1/users', req: (c) => j({ login: `a-${c.uniq}`, password: NEWPW, role: 'cadre', scope: 'renhe' }), expect: G('PERM_USER_MANAGE', 201) },
      { label: 'scope in another township', path: '/api/v1/users', req: (c) => j({ login: `b-${c.uniq}`, password: NEWPW, role: 'member', scope: 'xinancun', display_name: 'x' }), expect: G('PERM_USER_MANAGE', 201, { township: 404 }) },
    ],
  },
  'POST /api/v1/tokens': { perm: 'PERM_LOGIN', cases: [{ path: '/api/v1/tokens', req: () => j({ label: 'matrix' }), expect: G('PERM_LOGIN', 201) }] },
  'DELETE /api/v1/tokens/{id}': {
    perm: 'PERM_LOGIN',
    cases: [
      { label: 'own token', req: (c) => ({ path: `/api/v1/tokens/${c.prep.spare[c.who] ?? 1}` }), expect: G('PERM_LOGIN', 204) },
      { label: "someone else's token", req: (c) => ({ path: `/api/v1/tokens/${c.prep.bystanderTokenId}` }), expect: G('PERM_LOGIN', 404) },
    ],
  },
  // --- appeals (民事直说): public intake and tracking, then the cadres' work ---
  'GET /v/{code}/appeal': {
    perm: 'PERM_PUBLIC',
    cases: [{ path: '/v/renhe/appeal', expect: E(200) }, { path: '/v/zhanerxiang/appeal', expect: E(404) }],
  },
  'POST /v/{code}/appeal': {
    perm: 'PERM_PUBLIC',
    cases: [{ path: '/v/renhe/appeal', req: (c) => ({ form: { kind: 'village', content: `矩阵网页诉求 ${c.uniq}` } }), expect: E(201) }],
  },
  'GET /track': {
    perm: 'PERM_PUBLIC',
    cases: [
      { label: 'number and code', req: (c) => ({ path: `/track?number=${c.prep.appeals.renhe.number}&code=${c.prep.appeals.renhe.code}` }), expect: E(200) },
      { path: '/track', expect: E(200) },
    ],
  },
  'POST /track/rate': {
    perm: 'PERM_PUBLIC',
    cases: [
      { label: 'not answered yet', path: '/track/rate', req: (c) => ({ form: { number: c.prep.appeals.renhe.number, code: c.prep.appeals.renhe.code, rating: 'satisfied' } }), expect: E(409) },
      { label: 'wrong code', path: '/track/rate', req: (c) => ({ form: { number: c.prep.appeals.renhe.number, code: 'AAAA-AAAA', rating: 'satisfied' } }), expect: E(404) },
    ],
  },
  'POST /api/v1/public/appeals': {
    perm: 'PERM_PUBLIC',
    cases: [{ path: '/api/v1/public/appeals', req: (c) => j({ village: 'renhe', kind: 'neighbour', content: `矩阵诉求 ${c.uniq}` }), expect: E(201) }],
  },
  'GET /api/v1/public/appeals/{number}': {
    perm: 'PERM_PUBLIC',
    cases: [
      { label: 'with its code', req: (c) => ({ path: `/api/v1/public/appeals/${c.prep.appeals.renhe.number}?code=${c.prep.appeals.renhe.code}` }), expect: E(200) },
      { label: 'wrong code', req: (c) => ({ path: `/api/v1/public/appeals/${c.prep.appeals.renhe.number}?code=AAAA-AAAA` }), expect: E(404) },
    ],
  },
  'POST /api/v1/public/appeals/{number}/rating': {
    perm: 'PERM_PUBLIC',
    cases: [{ label: 'not answered yet', req: (c) => ({ path: `/api/v1/public/appeals/${c.prep.appeals.renhe.number}/rating`, opts: j({ code: c.prep.appeals.renhe.code, rating: 'satisfied' }) }), expect: E(409) }],
  },
  'GET /v/{code}/appeal-poster.pdf': { perm: 'PERM_PUBLIC', cases: [{ path: '/v/renhe/appeal-poster.pdf', expect: E(200) }] },
  'GET /v/{code}/shuoshi': {
    perm: 'PERM_APPEAL_VIEW',
    cases: [
      { path: '/v/renhe/shuoshi', expect: G('PERM_APPEAL_VIEW', 200, { 'yinxing-admin': 404 }) },
      { path: '/v/dashan/shuoshi', expect: G('PERM_APPEAL_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) },
    ],
  },
  'GET /v/{code}/shuoshi.pdf': {
    perm: 'PERM_APPEAL_VIEW',
    cases: [{ path: '/v/renhe/shuoshi.pdf', expect: G('PERM_APPEAL_VIEW', 200, { 'yinxing-admin': 404 }) }],
  },
  'GET /appeals': { perm: 'PERM_APPEAL_VIEW', cases: [{ path: '/appeals', expect: G('PERM_APPEAL_VIEW', 200) }] },
  'GET /appeals/new': { perm: 'PERM_APPEAL_HANDLE', cases: [{ path: '/appeals/new', expect: G('PERM_APPEAL_HANDLE', 200) }] },
  'POST /appeals/new': {
    perm: 'PERM_APPEAL_HANDLE',
    cases: [
      { label: 'for renhe', path: '/appeals/new', req: (c) => ({ form: { ...csrfField(c), village: 'renhe', channel: 'room', kind: 'family', content: `说事室 ${c.uniq}` } }), expect: G('PERM_APPEAL_HANDLE', 201, { 'yinxing-admin': 404 }) },
      { label: 'for yinxing', path: '/appeals/new', req: (c) => ({ form: { ...csrfField(c), village: 'yinxing', channel: 'visit', kind: 'village', content: `入户 ${c.uniq}` } }), expect: G('PERM_APPEAL_HANDLE', 201, { 'renhe-admin': 404, 'renhe-cadre': 404 }) },
    ],
  },
  'GET /appeals/{number}': {
    perm: 'PERM_APPEAL_VIEW',
    cases: [
      { label: 'renhe case', req: (c) => ({ path: `/appeals/${c.prep.appeals.renhe.number}` }), expect: G('PERM_APPEAL_VIEW', 200, { 'yinxing-admin': 404 }) },
      { label: 'yinxing case', req: (c) => ({ path: `/appeals/${c.prep.appeals.yinxing.number}` }), expect: G('PERM_APPEAL_VIEW', 200, { 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404 }) },
      { label: 'dashan case', req: (c) => ({ path: `/appeals/${c.prep.appeals.dashan.number}` }), expect: G('PERM_APPEAL_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) },
    ],
  },
  'GET /appeals/{number}/photo': {
    perm: 'PERM_APPEAL_VIEW',
    // the renhe case has no photo: 404 in scope and out of it alike; the gate is 401/403
    cases: [{ label: 'renhe case, no photo', req: (c) => ({ path: `/appeals/${c.prep.appeals.renhe.number}/photo` }), expect: G('PERM_APPEAL_VIEW', 404) }],
  },
  'POST /appeals/{number}/transition': {
    perm: 'PERM_APPEAL_HANDLE',
    cases: [
      { label: 'renhe case, a note', req: (c) => ({ path: `/appeals/${c.prep.appeals.renhe.number}/transition`, opts: { form: { ...csrfField(c), action: 'note', text: `备注 ${c.uniq}` } } }), expect: G('PERM_APPEAL_HANDLE', 303, { 'yinxing-admin': 404 }) },
      { label: 'dashan case, a note', req: (c) => ({ path: `/appeals/${c.prep.appeals.dashan.number}/transition`, opts: { form: { ...csrfField(c), action: 'note', text: `备注 ${c.uniq}` } } }), expect: G('PERM_APPEAL_HANDLE', 303, { 'renhe-admin': 404, 'renhe-cadre': 404, 'yinxing-admin': 404 }) },
    ],
  },
  'GET /api/v1/appeals': { perm: 'PERM_APPEAL_VIEW', cases: [{ path: '/api/v1/appeals', expect: G('PERM_APPEAL_VIEW', 200) }] },
  'POST /api/v1/appeals': {
    perm: 'PERM_APPEAL_HANDLE',
    cases: [{ path: '/api/v1/appeals', req: (c) => j({ village: 'renhe', kind: 'village', channel: 'phone', content: `电话 ${c.uniq}` }), expect: G('PERM_APPEAL_HANDLE', 201, { 'yinxing-admin': 404 }) }],
  },
  'GET /api/v1/appeals/{number}': {
    perm: 'PERM_APPEAL_VIEW',
    cases: [
      { label: 'renhe case', req: (c) => ({ path: `/api/v1/appeals/${c.prep.appeals.renhe.number}` }), expect: G('PERM_APPEAL_VIEW', 200, { 'yinxing-admin': 404 }) },
      { label: 'dashan case', req: (c) => ({ path: `/api/v1/appeals/${c.prep.appeals.dashan.number}` }), expect: G('PERM_APPEAL_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) },
      { label: 'unknown number', path: '/api/v1/appeals/19990101-0001', expect: G('PERM_APPEAL_VIEW', 404) },
    ],
  },
  'GET /api/v1/appeals/{number}/contact': {
    perm: 'PERM_APPEAL_VIEW',
    cases: [
      // the raiser's phone: for those who handle the case or may read personal data — not the area leader
      { label: 'renhe case', handler403: ['leader'], req: (c) => ({ path: `/api/v1/appeals/${c.prep.appeals.renhe.number}/contact` }), expect: G('PERM_APPEAL_VIEW', 200, { leader: 403, 'yinxing-admin': 404 }) },
      { label: 'yinxing case', handler403: ['leader'], req: (c) => ({ path: `/api/v1/appeals/${c.prep.appeals.yinxing.number}/contact` }), expect: G('PERM_APPEAL_VIEW', 200, { leader: 403, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404 }) },
    ],
  },
  'POST /api/v1/appeals/{number}/transitions': {
    perm: 'PERM_APPEAL_HANDLE',
    cases: [
      { label: 'renhe case, a note', req: (c) => ({ path: `/api/v1/appeals/${c.prep.appeals.renhe.number}/transitions`, opts: j({ action: 'note', text: `备注 ${c.uniq}` }) }), expect: G('PERM_APPEAL_HANDLE', 200, { 'yinxing-admin': 404 }) },
      { label: 'dashan case, a note', req: (c) => ({ path: `/api/v1/appeals/${c.prep.appeals.dashan.number}/transitions`, opts: j({ action: 'note', text: `备注 ${c.uniq}` }) }), expect: G('PERM_APPEAL_HANDLE', 200, { 'renhe-admin': 404, 'renhe-cadre': 404, 'yinxing-admin': 404 }) },
    ],
  },
  // --- Open311 GeoReport v2: public routes; the api_key (an API token) is their own authorization ---
  'GET /open311/v2/{file}': {
    perm: 'PERM_PUBLIC',
    cases: [
      { path: '/open311/v2/discovery.json', expect: E(200) },
      { path: '/open311/v2/services.json', expect: E(200) },
      { label: 'requests.json, last 10 days', req: () => ({ path: `/open311/v2/requests.json?start_date=${isoDaysAgo(10)}` }), expect: E(200) },
      { path: '/open311/v2/nothing.json', expect: E(404) },
    ],
  },
  'POST /open311/v2/{file}': {
    perm: 'PERM_PUBLIC',
    cases: [
      {
        label: 'requests.json with the caller\'s api_key, renhe',
        path: '/open311/v2/requests.json',
        req: (c) => ({ form: { ...(c.prep.keys[c.who] ? { api_key: c.prep.keys[c.who] } : {}), 'attribute[village]': 'renhe', service_code: 'village', description: `Open311 ${c.uniq}`, address_string: '一组' } }),
        // a cadre of the village (APPEAL_HANDLE in scope) may enter; anyone else 403
        expect: E(403, { county: 201, township: 201, 'renhe-admin': 201, 'renhe-cadre': 201 }),
      },
      {
        label: 'requests.json with a revoked api_key',
        path: '/open311/v2/requests.json',
        req: (c) => ({ form: { api_key: c.prep.revokedKey, 'attribute[village]': 'renhe', service_code: 'village', description: `Open311 ${c.uniq}`, address_string: '一组' } }),
        expect: E(403),
      },
    ],
  },
  'GET /open311/v2/services/{file}': { perm: 'PERM_PUBLIC', cases: [{ path: '/open311/v2/services/village.json', expect: E(200) }] },
  'GET /open311/v2/requests/{file}': {
    perm: 'PERM_PUBLIC',
    cases: [
      {
        // what the answer shows: the description only with the api_key of someone who handles the case
        label: 'renhe case with the caller\'s api_key: full or brief',
        req: (c) => ({ path: `/open311/v2/requests/${c.prep.appeals.renhe.number}.json${c.prep.keys[c.who] ? `?api_key=${c.prep.keys[c.who]}` : ''}` }),
        observe: (r) => (r.status !== 200 ? r.status : Array.isArray(r.json) && r.json[0] && 'description' in r.json[0] ? 'full' : 'brief'),
        expect: E('brief', { county: 'full', township: 'full', 'renhe-admin': 'full', 'renhe-cadre': 'full' }),
      },
      { label: 'unknown id', path: '/open311/v2/requests/19990101-0001.json', expect: E(404) },
    ],
  },
  // --- upgrade 改: centers, uploads, projects, plaques, inspections (prep.upgrade: tests/http/upgrade_lib.mjs) ---
  'GET /v/{code}/center': { perm: 'PERM_PUBLIC', cases: [{ path: '/v/renhe/center', expect: E(200) }, { path: '/v/zhanerxiang/center', expect: E(404) }] },
  'GET /api/v1/villages/{code}/center': {
    perm: 'PERM_PUBLIC',
    cases: [
      {
        // everyone gets the public part; users who may view renhe's records also the checklist and plaques
        label: 'renhe: public or internal', path: '/api/v1/villages/renhe/center',
        observe: (r) => (r.status !== 200 ? r.status : 'checklist' in r.json ? 'internal' : 'public'),
        expect: E('public', { county: 'internal', township: 'internal', leader: 'internal', 'renhe-admin': 'internal', 'renhe-cadre': 'internal', 'renhe-supervisor': 'internal' }),
      },
      { path: '/api/v1/villages/nosuch/center', expect: E(404) },
    ],
  },
  'PATCH /api/v1/villages/{code}/center': {
    perm: 'PERM_UPGRADE_EDIT',
    cases: [
      { path: '/api/v1/villages/renhe/center', req: () => j({ opening_hours: '周一至周五 8:30–12:00, 14:30–18:00' }), expect: G('PERM_UPGRADE_EDIT', 200, { 'yinxing-admin': 404 }) },
      { path: '/api/v1/villages/yinxing/center', req: () => j({ phone: '0939-7260102' }), expect: G('PERM_UPGRADE_EDIT', 200, { 'renhe-admin': 404 }) },
    ],
  },
  // the center's page forms (upgrade_center_pages.c)
  'GET /v/{code}/center/edit': {
    perm: 'PERM_UPGRADE_EDIT',
    cases: [
      { path: '/v/renhe/center/edit', expect: G('PERM_UPGRADE_EDIT', 200, { 'yinxing-admin': 404 }) },
      { path: '/v/yinxing/center/edit', expect: G('PERM_UPGRADE_EDIT', 200, { 'renhe-admin': 404 }) },
    ],
  },
  'POST /v/{code}/center/data': {
    perm: 'PERM_UPGRADE_EDIT',
    cases: [{ path: '/v/renhe/center/data', req: (c) => ({ form: { ...csrfField(c), phone: '0939-7260101' } }), expect: G('PERM_UPGRADE_EDIT', 303, { 'yinxing-admin': 404 }) }],
  },
  'POST /v/{code}/center/areas': {
    perm: 'PERM_UPGRADE_EDIT',
    cases: [{ path: '/v/renhe/center/areas', req: (c) => ({ form: { ...csrfField(c), name: `矩阵室 ${c.uniq}`, fn_other: '1' } }), expect: G('PERM_UPGRADE_EDIT', 303, { 'yinxing-admin': 404 }) }],
  },
  'POST /v/{code}/center/areas/{n}': {
    perm: 'PERM_UPGRADE_EDIT',
    // a stale form (the room has another name now): 409 past the gate, nothing changes
    cases: [{ label: 'renhe room 1, stale', path: '/v/renhe/center/areas/1', req: (c) => ({ form: { ...csrfField(c), was: 'matrix-stale', name: 'x', fn_talk: '1' } }), expect: G('PERM_UPGRADE_EDIT', 409, { 'yinxing-admin': 404 }) }],
  },
  'POST /v/{code}/center/checklist': {
    perm: 'PERM_UPGRADE_EDIT',
    cases: [{ path: '/v/renhe/center/checklist', req: (c) => ({ form: { ...csrfField(c), state_hygiene: 'ok' } }), expect: G('PERM_UPGRADE_EDIT', 303, { 'yinxing-admin': 404 }) }],
  },
  'POST /v/{code}/center/photos': {
    perm: 'PERM_UPGRADE_EDIT',
    cases: [{ label: 'no photo (400 past the gate)', path: '/v/renhe/center/photos', req: (c) => ({ form: { ...csrfField(c), caption: 'x' } }), expect: G('PERM_UPGRADE_EDIT', 400, { 'yinxing-admin': 404 }) }],
  },
  'POST /v/{code}/center/photos/{sha}/remove': {
    perm: 'PERM_UPGRADE_EDIT',
    cases: [{ label: 'a photo not on the center (409)', path: `/v/renhe/center/photos/${'0'.repeat(64)}/remove`, req: (c) => ({ form: { ...csrfField(c) } }), expect: G('PERM_UPGRADE_EDIT', 409, { 'yinxing-admin': 404 }) }],
  },
  'POST /v/{code}/plaques': {
    perm: 'PERM_UPGRADE_EDIT',
    cases: [{ path: '/v/renhe/plaques', req: (c) => ({ form: { ...csrfField(c), location: 'room_sign', name: `矩阵门牌 ${c.uniq}` } }), expect: G('PERM_UPGRADE_EDIT', 303, { 'yinxing-admin': 404 }) }],
  },
  'POST /t/{code}/plaque-whitelist': {
    perm: 'PERM_UPGRADE_MANAGE',
    cases: [
      { path: '/t/xinan/plaque-whitelist', req: (c) => ({ form: { ...csrfField(c), exterior: '村民委员会', interior: '', max_exterior: '4', max_interior: '4' } }), expect: G('PERM_UPGRADE_MANAGE', 303, { township: 404 }) },
      {
        path: '/t/zhanerxiang/plaque-whitelist',
        req: (c) => ({ form: { ...csrfField(c), exterior: '支部委员会\n党支部\n党总支\n党委\n村民委员会\n居民委员会\n村务监督委员会\n经济合作社\n股份经济合作社\n党群服务中心', interior: '新时代文明实践站\n农家书屋\n综治中心\n矛盾调解\n调解委员会\n退役军人服务站', max_exterior: '4', max_interior: '4' } }),
        expect: G('PERM_UPGRADE_MANAGE', 303),
      },
    ],
  },
  'POST /api/v1/uploads': {
    perm: 'PERM_UPLOAD',
    cases: [{
      label: 'a JPEG for renhe', path: '/api/v1/uploads',
      req: async (c) => { const fd = new FormData(); fd.append('village', 'renhe'); fd.append('file', new Blob([varied(await sampleJpeg(c.srv.base), c.uniq)], { type: 'image/jpeg' }), 'p.jpg'); return { body: fd }; },
      expect: G('PERM_UPLOAD', 201, { 'yinxing-admin': 404 }),
    }],
  },
  // a center photo is public; a photo not attached to a public record is for staff in its village's scope (404 otherwise)
  'GET /uploads/{sha}': {
    perm: 'PERM_PUBLIC',
    cases: [
      { label: 'a center photo', req: (c) => ({ path: `/uploads/${c.prep.upgrade.centerPhoto}` }), expect: E(200) },
      { label: 'a renhe upload not attached', req: (c) => ({ path: `/uploads/${c.prep.upgrade.sha}` }), expect: E(404, { county: 200, township: 200, leader: 200, 'renhe-admin': 200, 'renhe-cadre': 200, 'renhe-supervisor': 200 }) },
      { path: `/uploads/${'0'.repeat(64)}`, expect: E(404) },
    ],
  },
  'GET /uploads/{sha}/thumb': {
    perm: 'PERM_PUBLIC',
    cases: [
      { label: 'a center photo', req: (c) => ({ path: `/uploads/${c.prep.upgrade.centerPhoto}/thumb` }), expect: E(200) },
      { label: 'a renhe upload not attached', req: (c) => ({ path: `/uploads/${c.prep.upgrade.sha}/thumb` }), expect: E(404, { county: 200, township: 200, leader: 200, 'renhe-admin': 200, 'renhe-cadre': 200, 'renhe-supervisor': 200 }) },
    ],
  },
  'GET /uploads/{sha}/original': {
    perm: 'PERM_ORG_VIEW',
    cases: [{ label: 'a renhe original (uploaded by county)', req: (c) => ({ path: `/uploads/${c.prep.upgrade.sha}/original` }), expect: G('PERM_ORG_VIEW', 200, { 'yinxing-admin': 404 }) }],
  },
  'POST /api/v1/funds': {
    perm: 'PERM_UPGRADE_MANAGE',
    cases: [
      { path: '/api/v1/funds', req: (c) => j({ township: 'zhanerxiang', source: '县委组织部', title: `矩阵 ${c.uniq}`, total_fen: 100 }), expect: G('PERM_UPGRADE_MANAGE', 201) },
      { label: 'another township', path: '/api/v1/funds', req: (c) => j({ township: 'xinan', source: '县委组织部', title: `矩阵 ${c.uniq}`, total_fen: 100 }), expect: G('PERM_UPGRADE_MANAGE', 201, { township: 404 }) },
    ],
  },
  'GET /api/v1/funds/{id}': {
    perm: 'PERM_ORG_VIEW',
    cases: [{ label: 'the demo fund of zhanerxiang', req: (c) => ({ path: `/api/v1/funds/${c.prep.upgrade.demoFund}` }), expect: G('PERM_ORG_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) }],
  },
  'POST /api/v1/funds/{id}/allocations': {
    perm: 'PERM_UPGRADE_MANAGE',
    cases: [
      // first call creates the village's project (201), later ones change it (200)
      { label: 'baiyang in the matrix fund', req: (c) => ({ path: `/api/v1/funds/${c.prep.upgrade.fund}/allocations`, opts: j({ village: 'baiyang', amount_fen: 100 }) }), observe: (r) => ([200, 201].includes(r.status) ? 'ok' : r.status), expect: G('PERM_UPGRADE_MANAGE', 'ok') },
      { label: 'beyond the xinan fund', req: (c) => ({ path: `/api/v1/funds/${c.prep.upgrade.xinanFund}/allocations`, opts: j({ village: 'xinancun', amount_fen: 1001 }) }), expect: G('PERM_UPGRADE_MANAGE', 409, { township: 404 }) },
    ],
  },
  'GET /api/v1/projects/{id}': {
    perm: 'PERM_ORG_VIEW',
    cases: [
      { label: 'renhe project', req: (c) => ({ path: `/api/v1/projects/${c.prep.upgrade.renhe}` }), expect: G('PERM_ORG_VIEW', 200, { 'yinxing-admin': 404 }) },
      { label: 'yinxing project', req: (c) => ({ path: `/api/v1/projects/${c.prep.upgrade.yinxing}` }), expect: G('PERM_ORG_VIEW', 200, { 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404 }) },
      { label: 'dashan project', req: (c) => ({ path: `/api/v1/projects/${c.prep.upgrade.dashan}` }), expect: G('PERM_ORG_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) },
    ],
  },
  'POST /api/v1/projects/{id}/items': {
    perm: 'PERM_UPGRADE_EDIT',
    cases: [{ label: 'renhe project', req: (c) => ({ path: `/api/v1/projects/${c.prep.upgrade.renhe}/items`, opts: j({ title: `矩阵 ${c.uniq}`, decision: 'reuse', check_item: 'tables_chairs' }) }), expect: G('PERM_UPGRADE_EDIT', 201, { 'yinxing-admin': 404 }) }],
  },
  'POST /api/v1/projects/{id}/spending': {
    perm: 'PERM_UPGRADE_RECORD',
    cases: [
      { label: 'renhe project, 1 fen', req: (c) => ({ path: `/api/v1/projects/${c.prep.upgrade.renhe}/spending`, opts: j({ amount_fen: 1, payee: c.uniq }) }), expect: G('PERM_UPGRADE_RECORD', 201, { 'yinxing-admin': 404 }) },
      { label: 'yinxing project, 1 fen', req: (c) => ({ path: `/api/v1/projects/${c.prep.upgrade.yinxing}/spending`, opts: j({ amount_fen: 1, payee: c.uniq }) }), expect: G('PERM_UPGRADE_RECORD', 201, { 'renhe-admin': 404, 'renhe-cadre': 404 }) },
    ],
  },
  'POST /api/v1/projects/{id}/approvals': {
    perm: 'PERM_UPGRADE_MANAGE',
    cases: [{ label: 'renhe project', req: (c) => ({ path: `/api/v1/projects/${c.prep.upgrade.renhe}/approvals`, opts: j({ amount_fen: 1, reason: `矩阵 ${c.uniq}` }) }), expect: G('PERM_UPGRADE_MANAGE', 201) }],
  },
  'POST /api/v1/projects/{id}/milestones': {
    perm: 'PERM_UPGRADE_EDIT',
    cases: [{ label: 'renhe project', req: (c) => ({ path: `/api/v1/projects/${c.prep.upgrade.renhe}/milestones`, opts: j({ title: `矩阵 ${c.uniq}`, done_on: 1700000000 }) }), expect: G('PERM_UPGRADE_EDIT', 201, { 'yinxing-admin': 404 }) }],
  },
  'POST /api/v1/projects/{id}/milestones/{mid}': {
    perm: 'PERM_UPGRADE_EDIT',
    cases: [{ label: 'renhe milestone done', req: (c) => ({ path: `/api/v1/projects/${c.prep.upgrade.renhe}/milestones/${c.prep.upgrade.milestone}`, opts: j({ done: true }) }), expect: G('PERM_UPGRADE_EDIT', 200, { 'yinxing-admin': 404 }) }],
  },
  'POST /api/v1/projects/{id}/photos': {
    perm: 'PERM_UPGRADE_RECORD',
    cases: [{ label: 'renhe project, before', req: (c) => ({ path: `/api/v1/projects/${c.prep.upgrade.renhe}/photos`, opts: j({ sha256: c.prep.upgrade.sha, phase: 'before', spot: '大门' }) }), expect: G('PERM_UPGRADE_RECORD', 201, { 'yinxing-admin': 404 }) }],
  },
  'POST /api/v1/projects/{id}/status': {
    perm: 'PERM_UPGRADE_EDIT',
    // planned -> completed skips a step: 409 for everyone allowed, nothing changes
    cases: [{ label: 'renhe project, a skipped step', req: (c) => ({ path: `/api/v1/projects/${c.prep.upgrade.renhe}/status`, opts: j({ status: 'completed' }) }), expect: G('PERM_UPGRADE_EDIT', 409, { 'yinxing-admin': 404 }) }],
  },
  'GET /funds/{id}': {
    perm: 'PERM_ORG_VIEW',
    cases: [{ label: 'the demo fund', req: (c) => ({ path: `/funds/${c.prep.upgrade.demoFund}` }), expect: G('PERM_ORG_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) }],
  },
  'GET /funds/{id}/export.xlsx': {
    perm: 'PERM_ORG_VIEW',
    cases: [{ label: 'the demo fund', req: (c) => ({ path: `/funds/${c.prep.upgrade.demoFund}/export.xlsx` }), expect: G('PERM_ORG_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) }],
  },
  'GET /projects/{id}': {
    perm: 'PERM_ORG_VIEW',
    cases: [
      { label: 'renhe project', req: (c) => ({ path: `/projects/${c.prep.upgrade.renhe}` }), expect: G('PERM_ORG_VIEW', 200, { 'yinxing-admin': 404 }) },
      { label: 'dashan project', req: (c) => ({ path: `/projects/${c.prep.upgrade.dashan}` }), expect: G('PERM_ORG_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) },
    ],
  },
  'POST /projects/{id}/spending': {
    perm: 'PERM_UPGRADE_RECORD',
    cases: [{ label: 'renhe project, ¥0.01', req: (c) => ({ path: `/projects/${c.prep.upgrade.renhe}/spending`, opts: { form: { ...csrfField(c), amount: '0.01', payee: c.uniq } } }), expect: G('PERM_UPGRADE_RECORD', 303, { 'yinxing-admin': 404 }) }],
  },
  // the project and fund page forms (upgrade_project_forms.c)
  'POST /projects/{id}/items': {
    perm: 'PERM_UPGRADE_EDIT',
    cases: [{ label: 'renhe project', req: (c) => ({ path: `/projects/${c.prep.upgrade.renhe}/items`, opts: { form: { ...csrfField(c), title: `矩阵 ${c.uniq}`, decision: 'reuse', check_item: 'tables_chairs' } } }), expect: G('PERM_UPGRADE_EDIT', 303, { 'yinxing-admin': 404 }) }],
  },
  'POST /projects/{id}/approvals': {
    perm: 'PERM_UPGRADE_MANAGE',
    cases: [{ label: 'renhe project, ¥0.01', req: (c) => ({ path: `/projects/${c.prep.upgrade.renhe}/approvals`, opts: { form: { ...csrfField(c), amount: '0.01', reason: `矩阵 ${c.uniq}` } } }), expect: G('PERM_UPGRADE_MANAGE', 303) }],
  },
  'POST /projects/{id}/milestones': {
    perm: 'PERM_UPGRADE_EDIT',
    cases: [{ label: 'renhe project', req: (c) => ({ path: `/projects/${c.prep.upgrade.renhe}/milestones`, opts: { form: { ...csrfField(c), title: `矩阵 ${c.uniq}`, due_on: '2099-01-01' } } }), expect: G('PERM_UPGRADE_EDIT', 303, { 'yinxing-admin': 404 }) }],
  },
  'POST /projects/{id}/milestones/{mid}': {
    perm: 'PERM_UPGRADE_EDIT',
    cases: [{ label: 'renhe milestone done', req: (c) => ({ path: `/projects/${c.prep.upgrade.renhe}/milestones/${c.prep.upgrade.milestone}`, opts: { form: { ...csrfField(c), done: '1' } } }), expect: G('PERM_UPGRADE_EDIT', 303, { 'yinxing-admin': 404 }) }],
  },
  'POST /projects/{id}/status': {
    perm: 'PERM_UPGRADE_EDIT',
    // planned -> completed skips a step: 409 for everyone allowed, nothing changes
    cases: [{ label: 'renhe project, a skipped step', req: (c) => ({ path: `/projects/${c.prep.upgrade.renhe}/status`, opts: { form: { ...csrfField(c), status: 'completed' } } }), expect: G('PERM_UPGRADE_EDIT', 409, { 'yinxing-admin': 404 }) }],
  },
  'POST /projects/{id}/photos': {
    perm: 'PERM_UPGRADE_RECORD',
    cases: [{ label: 'renhe project, no photo (400 past the gate)', req: (c) => ({ path: `/projects/${c.prep.upgrade.renhe}/photos`, opts: { form: { ...csrfField(c), phase: 'after', spot: '大门' } } }), expect: G('PERM_UPGRADE_RECORD', 400, { 'yinxing-admin': 404 }) }],
  },
  'POST /funds/{id}/allocations': {
    perm: 'PERM_UPGRADE_MANAGE',
    cases: [
      { label: 'baiyang in the matrix fund', req: (c) => ({ path: `/funds/${c.prep.upgrade.fund}/allocations`, opts: { form: { ...csrfField(c), village: 'baiyang', amount: '1' } } }), expect: G('PERM_UPGRADE_MANAGE', 303) },
      { label: 'beyond the xinan fund', req: (c) => ({ path: `/funds/${c.prep.upgrade.xinanFund}/allocations`, opts: { form: { ...csrfField(c), village: 'xinancun', amount: '10.01' } } }), expect: G('PERM_UPGRADE_MANAGE', 409, { township: 404 }) },
    ],
  },
  'GET /t/{code}/funds': {
    perm: 'PERM_ORG_VIEW',
    cases: [{ path: '/t/zhanerxiang/funds', expect: G('PERM_ORG_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) }],
  },
  'POST /t/{code}/funds': {
    perm: 'PERM_UPGRADE_MANAGE',
    cases: [
      { path: '/t/zhanerxiang/funds', req: (c) => ({ form: { ...csrfField(c), source: '县委组织部', title: `矩阵 ${c.uniq}`, total: '1' } }), expect: G('PERM_UPGRADE_MANAGE', 303) },
      { label: 'another township', path: '/t/xinan/funds', req: (c) => ({ form: { ...csrfField(c), source: '县委组织部', title: `矩阵 ${c.uniq}`, total: '1' } }), expect: G('PERM_UPGRADE_MANAGE', 303, { township: 404 }) },
    ],
  },
  'POST /api/v1/villages/{code}/plaques': {
    perm: 'PERM_UPGRADE_EDIT',
    cases: [{ path: '/api/v1/villages/renhe/plaques', req: (c) => j({ location: 'room_sign', name: `矩阵 ${c.uniq}` }), expect: G('PERM_UPGRADE_EDIT', 201, { 'yinxing-admin': 404 }) }],
  },
  'POST /api/v1/plaques/{id}/decision': {
    perm: 'PERM_UPGRADE_EDIT',
    cases: [{ label: 'a renhe plaque: remove', req: (c) => ({ path: `/api/v1/plaques/${c.prep.upgrade.plaque}/decision`, opts: j({ decision: 'remove' }) }), expect: G('PERM_UPGRADE_EDIT', 200, { 'yinxing-admin': 404 }) }],
  },
  'GET /api/v1/townships/{code}/plaques': {
    perm: 'PERM_ORG_VIEW',
    cases: [{ path: '/api/v1/townships/zhanerxiang/plaques', expect: G('PERM_ORG_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) }],
  },
  'PUT /api/v1/townships/{code}/plaque-whitelist': {
    perm: 'PERM_UPGRADE_MANAGE',
    cases: [
      { path: '/api/v1/townships/xinan/plaque-whitelist', req: () => j({ exterior: ['村民委员会'], interior: [] }), expect: G('PERM_UPGRADE_MANAGE', 200, { township: 404 }) },
      { path: '/api/v1/townships/zhanerxiang/plaque-whitelist', req: () => j({ exterior: ['支部委员会', '党支部', '党总支', '党委', '村民委员会', '居民委员会', '村务监督委员会', '经济合作社', '股份经济合作社', '党群服务中心'], interior: ['新时代文明实践站', '农家书屋', '综治中心', '矛盾调解', '调解委员会', '退役军人服务站'] }), expect: G('PERM_UPGRADE_MANAGE', 200) },
    ],
  },
  'GET /t/{code}/plaques': {
    perm: 'PERM_ORG_VIEW',
    cases: [{ path: '/t/zhanerxiang/plaques', expect: G('PERM_ORG_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) }],
  },
  'POST /plaques/{id}/decision': {
    perm: 'PERM_UPGRADE_EDIT',
    cases: [{ label: 'a renhe plaque: remove', req: (c) => ({ path: `/plaques/${c.prep.upgrade.plaque}/decision`, opts: { form: { ...csrfField(c), decision: 'remove' } } }), expect: G('PERM_UPGRADE_EDIT', 303, { 'yinxing-admin': 404 }) }],
  },
  'POST /api/v1/inspections': {
    perm: 'PERM_INSPECT',
    cases: [
      { label: 'a visit to renhe', path: '/api/v1/inspections', req: (c) => j({ village: 'renhe', summary: `矩阵 ${c.uniq}` }), expect: G('PERM_INSPECT', 201) },
      { label: 'a visit to dashan', path: '/api/v1/inspections', req: (c) => j({ village: 'dashan', summary: `矩阵 ${c.uniq}` }), expect: G('PERM_INSPECT', 201, { leader: 404 }) },
    ],
  },
  'GET /api/v1/villages/{code}/inspections': {
    perm: 'PERM_ORG_VIEW',
    cases: [{ path: '/api/v1/villages/renhe/inspections', expect: G('PERM_ORG_VIEW', 200, { 'yinxing-admin': 404 }) }],
  },
  'POST /api/v1/findings/{id}/report': {
    perm: 'PERM_UPGRADE_RECORD',
    cases: [{ label: 'a renhe finding', req: (c) => ({ path: `/api/v1/findings/${c.prep.upgrade.finding}/report`, opts: j({ note: `矩阵 ${c.uniq}` }) }), expect: G('PERM_UPGRADE_RECORD', 200, { 'yinxing-admin': 404 }) }],
  },
  'POST /api/v1/findings/{id}/reinspect': {
    perm: 'PERM_INSPECT',
    cases: [{ label: 'a renhe finding, not fixed yet', req: (c) => ({ path: `/api/v1/findings/${c.prep.upgrade.finding}/reinspect`, opts: j({ fixed: false, days: 30 }) }), expect: G('PERM_INSPECT', 200) }],
  },
  'GET /api/v1/townships/{code}/tasks': {
    perm: 'PERM_ORG_VIEW',
    cases: [{ path: '/api/v1/townships/zhanerxiang/tasks', expect: G('PERM_ORG_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) }],
  },
  'GET /inspections': { perm: 'PERM_INSPECT', cases: [{ path: '/inspections', expect: G('PERM_INSPECT', 200) }] },
  'POST /inspections': {
    perm: 'PERM_INSPECT',
    cases: [
      { label: 'a visit to renhe', path: '/inspections', req: (c) => ({ form: { ...csrfField(c), village: 'renhe', summary: `矩阵 ${c.uniq}` } }), expect: G('PERM_INSPECT', 303) },
      { label: 'a visit to dashan', path: '/inspections', req: (c) => ({ form: { ...csrfField(c), village: 'dashan', summary: `矩阵 ${c.uniq}` } }), expect: G('PERM_INSPECT', 303, { leader: 404 }) },
    ],
  },
  'POST /findings/{id}/reinspect': {
    perm: 'PERM_INSPECT',
    cases: [{ label: 'a renhe finding, not fixed yet', req: (c) => ({ path: `/findings/${c.prep.upgrade.finding}/reinspect`, opts: { form: { ...csrfField(c), fixed: '0', days: '30' } } }), expect: G('PERM_INSPECT', 303) }],
  },
  'GET /t/{code}/tasks': {
    perm: 'PERM_ORG_VIEW',
    cases: [{ path: '/t/zhanerxiang/tasks', expect: G('PERM_ORG_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) }],
  },
  // --- 管 duty and posts (prep.duty: tests/http/duty_lib.mjs); county and township hold PERM_DUTY_SELF but are
  //     nobody's cadre: checking in and the whereabouts board answer them 403 (handler403) ---
  'GET /v/{code}/duty': {
    perm: 'PERM_ORG_VIEW',
    cases: [
      { path: '/v/renhe/duty', expect: G('PERM_ORG_VIEW', 200, { 'yinxing-admin': 404 }) },
      { path: '/v/renhe/duty?month=2026-13', expect: G('PERM_ORG_VIEW', 400, { 'yinxing-admin': 404 }) },
    ],
  },
  'POST /v/{code}/duty/generate': {
    perm: 'PERM_DUTY_MANAGE',
    cases: [{ label: 'next month, renhe-admin only, replace', path: '/v/renhe/duty/generate', req: (c) => ({ form: { ...csrfField(c), month: c.prep.duty.month, cadre: 'renhe-admin', replace: '1' } }), expect: G('PERM_DUTY_MANAGE', 303, { 'yinxing-admin': 404 }) }],
  },
  'POST /v/{code}/duty/swap': {
    perm: 'PERM_DUTY_SELF',
    cases: [{ label: 'to a non-cadre (400 past the gate)', path: '/v/renhe/duty/swap', req: (c) => ({ form: { ...csrfField(c), date: c.prep.duty.date, to: 'renhe-supervisor' } }), expect: G('PERM_DUTY_SELF', 400, { 'yinxing-admin': 404 }) }],
  },
  'POST /v/{code}/duty/swap/{id}': {
    perm: 'PERM_DUTY_MANAGE',
    cases: [{ label: 'a decision that is neither (400 past the gate)', req: (c) => ({ path: `/v/renhe/duty/swap/${c.prep.duty.swapId}`, opts: { form: { ...csrfField(c), decision: 'maybe' } } }), expect: G('PERM_DUTY_MANAGE', 400, { 'yinxing-admin': 404 }) }],
  },
  'POST /v/{code}/duty/leave': {
    perm: 'PERM_DUTY_SELF',
    cases: [{ label: "renhe-cadre's leave", path: '/v/renhe/duty/leave', req: (c) => ({ form: { ...csrfField(c), user: 'renhe-cadre', from: '2099-01-01', to: '2099-01-02' } }), expect: G('PERM_DUTY_SELF', 303, { 'yinxing-admin': 404 }) }],
  },
  'POST /v/{code}/hours': {
    perm: 'PERM_DUTY_MANAGE',
    cases: [{ path: '/v/renhe/hours', req: (c) => ({ form: { ...csrfField(c), hours: '周一至周五 8:30–12:00, 14:30–18:00' } }), expect: G('PERM_DUTY_MANAGE', 303, { 'yinxing-admin': 404 }) }],
  },
  'GET /v/{code}/checkin': {
    perm: 'PERM_PUBLIC',
    cases: [
      { label: "this week's code", req: (c) => ({ path: `/v/renhe/checkin?s=${c.prep.duty.secret}` }), expect: E(403, { anon: 303, 'renhe-admin': 200, 'renhe-cadre': 200, 'yinxing-admin': 404 }) },
      { label: 'a forged code', path: '/v/renhe/checkin?s=00000000000000000000', expect: E(403, { anon: 303, 'renhe-admin': 400, 'renhe-cadre': 400, 'yinxing-admin': 404 }) },
    ],
  },
  'POST /v/{code}/checkin': {
    perm: 'PERM_DUTY_SELF',
    cases: [{ label: "this week's code", handler403: ['county', 'township'], path: '/v/renhe/checkin', req: (c) => ({ form: { ...csrfField(c), s: c.prep.duty.secret } }), expect: G('PERM_DUTY_SELF', 303, { county: 403, township: 403, 'yinxing-admin': 404 }) }],
  },
  'POST /v/{code}/checkout': {
    perm: 'PERM_DUTY_SELF',
    cases: [{ label: 'after the check-in above', path: '/v/renhe/checkout', req: (c) => ({ form: { ...csrfField(c) } }), expect: G('PERM_DUTY_SELF', 303, { county: 409, township: 409, 'yinxing-admin': 404 }) }],
  },
  'GET /v/{code}/checkin-poster.pdf': { perm: 'PERM_DUTY_MANAGE', cases: [{ path: '/v/renhe/checkin-poster.pdf', expect: G('PERM_DUTY_MANAGE', 200, { 'yinxing-admin': 404 }) }] },
  'POST /v/{code}/whereabouts': {
    perm: 'PERM_DUTY_SELF',
    cases: [{ handler403: ['county', 'township'], path: '/v/renhe/whereabouts', req: (c) => ({ form: { ...csrfField(c), status: 'meeting' } }), expect: G('PERM_DUTY_SELF', 303, { county: 403, township: 403, 'yinxing-admin': 404 }) }],
  },
  'GET /v/{code}/duty-log': { perm: 'PERM_ORG_VIEW', cases: [{ path: '/v/renhe/duty-log', expect: G('PERM_ORG_VIEW', 200, { 'yinxing-admin': 404 }) }] },
  'POST /v/{code}/duty-log': {
    perm: 'PERM_DUTY_SELF',
    cases: [{ path: '/v/renhe/duty-log', req: (c) => ({ form: { ...csrfField(c), visitor: '矩阵', request: `矩阵来访 ${c.uniq}` } }), expect: G('PERM_DUTY_SELF', 303, { 'yinxing-admin': 404 }) }],
  },
  'POST /v/{code}/duty-log/{id}/appeal': {
    perm: 'PERM_DUTY_SELF',
    cases: [{ label: 'an unknown kind (400 past the gate)', req: (c) => ({ path: `/v/renhe/duty-log/${c.prep.duty.logId}/appeal`, opts: { form: { ...csrfField(c), kind: 'other' } } }), expect: G('PERM_DUTY_SELF', 400, { 'yinxing-admin': 404 }) }],
  },
  'GET /v/{code}/coverage': { perm: 'PERM_ORG_VIEW', cases: [{ path: '/v/renhe/coverage', expect: G('PERM_ORG_VIEW', 200, { 'yinxing-admin': 404 }) }] },
  'GET /o/{code}/coverage': {
    perm: 'PERM_ORG_VIEW',
    cases: [{ path: '/o/zhanerxiang/coverage', expect: G('PERM_ORG_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) }],
  },
  'GET /v/{code}/posts': { perm: 'PERM_ORG_VIEW', cases: [{ path: '/v/renhe/posts', expect: G('PERM_ORG_VIEW', 200, { 'yinxing-admin': 404 }) }] },
  'POST /v/{code}/posts': {
    perm: 'PERM_DUTY_MANAGE',
    cases: [{ path: '/v/renhe/posts', req: (c) => ({ form: { ...csrfField(c), kind: 'ranger', title: `矩阵护林 ${c.uniq}` } }), expect: G('PERM_DUTY_MANAGE', 303, { 'yinxing-admin': 404 }) }],
  },
  'POST /v/{code}/deeds': {
    perm: 'PERM_DUTY_MANAGE',
    cases: [{ path: '/v/renhe/deeds', req: (c) => ({ form: { ...csrfField(c), title: `矩阵实事 ${c.uniq}`, owner: '矩阵', promised: '2099-01-01', public: '1' } }), expect: G('PERM_DUTY_MANAGE', 303, { 'yinxing-admin': 404 }) }],
  },
  'POST /v/{code}/deeds/{id}/done': {
    perm: 'PERM_DUTY_MANAGE',
    cases: [{ req: (c) => ({ path: `/v/renhe/deeds/${c.prep.duty.deedId}/done`, opts: { form: { ...csrfField(c), date: c.prep.duty.today } } }), expect: G('PERM_DUTY_MANAGE', 303, { 'yinxing-admin': 404 }) }],
  },
  'GET /o/{code}/holidays': {
    perm: 'PERM_ORG_VIEW',
    cases: [
      { path: '/o/zhanerxiang/holidays', expect: G('PERM_ORG_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) },
      { path: '/o/renhe/holidays?year=2026', expect: G('PERM_ORG_VIEW', 200, { 'yinxing-admin': 404 }) },
    ],
  },
  'POST /o/{code}/holidays': {
    perm: 'PERM_DUTY_MANAGE',
    cases: [{ path: '/o/renhe/holidays', req: (c) => ({ form: { ...csrfField(c), date: '2099-06-01', kind: 'off', name: '矩阵' } }), expect: G('PERM_DUTY_MANAGE', 303, { 'yinxing-admin': 404 }) }],
  },
  'GET /duty': { perm: 'PERM_DUTY_SELF', cases: [{ path: '/duty', expect: G('PERM_DUTY_SELF', 200) }] },
  'POST /duty/feed': { perm: 'PERM_DUTY_SELF', cases: [{ path: '/duty/feed', req: (c) => ({ form: { ...csrfField(c) } }), expect: G('PERM_DUTY_SELF', 200) }] },
  'GET /duty/feed/{file}': {
    perm: 'PERM_PUBLIC',
    cases: [{ label: "renhe-member's feed", req: (c) => ({ path: c.prep.duty.feed }), expect: E(200) }, { path: '/duty/feed/nosuch.ics', expect: E(404) }],
  },
  'POST /api/v1/villages/{code}/roster/{month}/generate': {
    perm: 'PERM_DUTY_MANAGE',
    cases: [
      { label: 'next month, replace', req: (c) => ({ path: `/api/v1/villages/renhe/roster/${c.prep.duty.month}/generate`, opts: j({ replace: true }) }), expect: G('PERM_DUTY_MANAGE', 201, { 'yinxing-admin': 404 }) },
      { label: 'a village without cadres', req: (c) => ({ path: `/api/v1/villages/dashan/roster/${c.prep.duty.month}/generate`, opts: j({}) }), expect: G('PERM_DUTY_MANAGE', 409, { 'renhe-admin': 404, 'yinxing-admin': 404 }) },
    ],
  },
  'GET /api/v1/villages/{code}/roster/{month}': {
    perm: 'PERM_ORG_VIEW',
    cases: [
      { req: (c) => ({ path: `/api/v1/villages/renhe/roster/${c.prep.duty.month}` }), expect: G('PERM_ORG_VIEW', 200, { 'yinxing-admin': 404 }) },
      { req: (c) => ({ path: `/api/v1/villages/yinxing/roster/${c.prep.duty.month}` }), expect: G('PERM_ORG_VIEW', 200, { 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404 }) },
    ],
  },
  'POST /api/v1/villages/{code}/swaps': {
    perm: 'PERM_DUTY_SELF',
    cases: [{ label: 'to a non-cadre (400 past the gate)', path: '/api/v1/villages/renhe/swaps', req: (c) => j({ date: c.prep.duty.date, to: 'renhe-supervisor' }), expect: G('PERM_DUTY_SELF', 400, { 'yinxing-admin': 404 }) }],
  },
  'POST /api/v1/villages/{code}/swaps/{id}/decision': {
    perm: 'PERM_DUTY_MANAGE',
    cases: [{ label: 'neither approve nor reject (400 past the gate)', req: (c) => ({ path: `/api/v1/villages/renhe/swaps/${c.prep.duty.swapId}/decision`, opts: j({ decision: 'maybe' }) }), expect: G('PERM_DUTY_MANAGE', 400, { 'yinxing-admin': 404 }) }],
  },
  'POST /api/v1/villages/{code}/leave': {
    perm: 'PERM_DUTY_SELF',
    cases: [{ label: "renhe-cadre's leave", path: '/api/v1/villages/renhe/leave', req: () => j({ user: 'renhe-cadre', from: '2099-02-01', to: '2099-02-02' }), expect: G('PERM_DUTY_SELF', 201, { 'yinxing-admin': 404 }) }],
  },
  'GET /api/v1/villages/{code}/hours': { perm: 'PERM_PUBLIC', cases: [{ path: '/api/v1/villages/renhe/hours', expect: E(200) }, { path: '/api/v1/villages/nosuch/hours', expect: E(404) }] },
  'PUT /api/v1/villages/{code}/hours': {
    perm: 'PERM_DUTY_MANAGE',
    cases: [{ path: '/api/v1/villages/renhe/hours', req: () => j({ text: '周一至周五 8:30–12:00, 14:30–18:00' }), expect: G('PERM_DUTY_MANAGE', 200, { 'yinxing-admin': 404 }) }],
  },
  'GET /api/v1/orgs/{code}/holidays': { perm: 'PERM_PUBLIC', cases: [{ path: '/api/v1/orgs/renhe/holidays?year=2026', expect: E(200) }] },
  'PUT /api/v1/orgs/{code}/holidays': {
    perm: 'PERM_DUTY_MANAGE',
    cases: [
      { label: 'the township calendar', path: '/api/v1/orgs/zhanerxiang/holidays', req: () => j({ days: [{ date: '2099-05-01', off: true, name: '劳动节' }] }), expect: G('PERM_DUTY_MANAGE', 200, { 'renhe-admin': 404, 'yinxing-admin': 404 }) },
      { label: "a village's own", path: '/api/v1/orgs/renhe/holidays', req: () => j({ days: [{ date: '2099-05-02', off: false, name: '照常开放' }] }), expect: G('PERM_DUTY_MANAGE', 200, { 'yinxing-admin': 404 }) },
    ],
  },
  'GET /api/v1/villages/{code}/checkin-code': { perm: 'PERM_DUTY_MANAGE', cases: [{ path: '/api/v1/villages/renhe/checkin-code', expect: G('PERM_DUTY_MANAGE', 200, { 'yinxing-admin': 404 }) }] },
  'POST /api/v1/villages/{code}/checkins': {
    perm: 'PERM_DUTY_SELF',
    cases: [
      { label: "this week's code", handler403: ['county', 'township'], path: '/api/v1/villages/renhe/checkins', req: (c) => j({ secret: c.prep.duty.secret }), expect: G('PERM_DUTY_SELF', 201, { county: 403, township: 403, 'yinxing-admin': 404 }) },
      { label: 'a forged code', handler403: ['county', 'township'], path: '/api/v1/villages/renhe/checkins', req: () => j({ secret: '0'.repeat(20) }), expect: G('PERM_DUTY_SELF', 400, { county: 403, township: 403, 'yinxing-admin': 404 }) },
    ],
  },
  'POST /api/v1/villages/{code}/checkout': {
    perm: 'PERM_DUTY_SELF',
    cases: [{ label: 'after the check-in above', path: '/api/v1/villages/renhe/checkout', expect: G('PERM_DUTY_SELF', 200, { county: 409, township: 409, 'yinxing-admin': 404 }) }],
  },
  'GET /api/v1/villages/{code}/checkins': { perm: 'PERM_ORG_VIEW', cases: [{ path: '/api/v1/villages/renhe/checkins', expect: G('PERM_ORG_VIEW', 200, { 'yinxing-admin': 404 }) }] },
  'POST /api/v1/villages/{code}/whereabouts': {
    perm: 'PERM_DUTY_SELF',
    cases: [{ handler403: ['county', 'township'], path: '/api/v1/villages/renhe/whereabouts', req: () => j({ status: 'visiting' }), expect: G('PERM_DUTY_SELF', 200, { county: 403, township: 403, 'yinxing-admin': 404 }) }],
  },
  'GET /api/v1/public/villages/{code}/whereabouts': { perm: 'PERM_PUBLIC', cases: [{ path: '/api/v1/public/villages/renhe/whereabouts', expect: E(200) }, { path: '/api/v1/public/villages/zhanerxiang/whereabouts', expect: E(404) }] },
  'GET /api/v1/villages/{code}/duty-log': { perm: 'PERM_ORG_VIEW', cases: [{ path: '/api/v1/villages/renhe/duty-log', expect: G('PERM_ORG_VIEW', 200, { 'yinxing-admin': 404 }) }] },
  'POST /api/v1/villages/{code}/duty-log': {
    perm: 'PERM_DUTY_SELF',
    cases: [{ path: '/api/v1/villages/renhe/duty-log', req: (c) => j({ request: `矩阵来访 ${c.uniq}` }), expect: G('PERM_DUTY_SELF', 201, { 'yinxing-admin': 404 }) }],
  },
  'POST /api/v1/villages/{code}/duty-log/{id}/appeal': {
    perm: 'PERM_DUTY_SELF',
    cases: [{ label: 'an unknown kind (400 past the gate)', req: (c) => ({ path: `/api/v1/villages/renhe/duty-log/${c.prep.duty.logId}/appeal`, opts: j({ kind: 'other' }) }), expect: G('PERM_DUTY_SELF', 400, { 'yinxing-admin': 404 }) }],
  },
  'GET /api/v1/villages/{code}/coverage/{month}': {
    perm: 'PERM_ORG_VIEW',
    cases: [{ req: (c) => ({ path: `/api/v1/villages/renhe/coverage/${c.prep.duty.today.slice(0, 7)}` }), expect: G('PERM_ORG_VIEW', 200, { 'yinxing-admin': 404 }) }],
  },
  'GET /api/v1/orgs/{code}/coverage/{month}': {
    perm: 'PERM_ORG_VIEW',
    cases: [{ req: (c) => ({ path: `/api/v1/orgs/zhanerxiang/coverage/${c.prep.duty.today.slice(0, 7)}` }), expect: G('PERM_ORG_VIEW', 200, { leader: 404, 'renhe-admin': 404, 'renhe-cadre': 404, 'renhe-supervisor': 404, 'yinxing-admin': 404 }) }],
  },
  'GET /api/v1/villages/{code}/posts': { perm: 'PERM_ORG_VIEW', cases: [{ path: '/api/v1/villages/renhe/posts', expect: G('PERM_ORG_VIEW', 200, { 'yinxing-admin': 404 }) }] },
  'POST /api/v1/villages/{code}/posts': {
    perm: 'PERM_DUTY_MANAGE',
    cases: [{ path: '/api/v1/villages/renhe/posts', req: (c) => j({ kind: 'welfare', title: `矩阵公益岗 ${c.uniq}` }), expect: G('PERM_DUTY_MANAGE', 201, { 'yinxing-admin': 404 }) }],
  },
  'PATCH /api/v1/villages/{code}/posts/{id}': {
    perm: 'PERM_DUTY_MANAGE',
    cases: [{ req: (c) => ({ path: `/api/v1/villages/renhe/posts/${c.prep.duty.postId}`, opts: j({ hours: '每周六' }) }), expect: G('PERM_DUTY_MANAGE', 200, { 'yinxing-admin': 404 }) }],
  },
  'GET /api/v1/villages/{code}/deeds': { perm: 'PERM_ORG_VIEW', cases: [{ path: '/api/v1/villages/renhe/deeds', expect: G('PERM_ORG_VIEW', 200, { 'yinxing-admin': 404 }) }] },
  'POST /api/v1/villages/{code}/deeds': {
    perm: 'PERM_DUTY_MANAGE',
    cases: [{ path: '/api/v1/villages/renhe/deeds', req: (c) => j({ title: `矩阵实事 ${c.uniq}`, owner: '矩阵', promised: '2099-01-01' }), expect: G('PERM_DUTY_MANAGE', 201, { 'yinxing-admin': 404 }) }],
  },
  'PATCH /api/v1/villages/{code}/deeds/{id}': {
    perm: 'PERM_DUTY_MANAGE',
    cases: [{ req: (c) => ({ path: `/api/v1/villages/renhe/deeds/${c.prep.duty.deedId}`, opts: j({ owner: '矩阵负责人' }) }), expect: G('PERM_DUTY_MANAGE', 200, { 'yinxing-admin': 404 }) }],
  },
  'GET /api/v1/public/villages/{code}/deeds': { perm: 'PERM_PUBLIC', cases: [{ path: '/api/v1/public/villages/renhe/deeds', expect: E(200) }] },
  'GET /api/v1/me/duty.ics': { perm: 'PERM_LOGIN', cases: [{ path: '/api/v1/me/duty.ics', expect: G('PERM_LOGIN', 200) }] },
  'GET /api/v1/audit/head': { perm: 'PERM_PUBLIC', cases: [{ path: '/api/v1/audit/head', expect: E(200) }] },
  'GET /api/v1/orgs/{code}/audit': {
    perm: 'PERM_AUDIT_READ',
    cases: [
      { path: '/api/v1/orgs/renhe/audit', expect: G('PERM_AUDIT_READ', 200) },
      { path: '/api/v1/orgs/yinxing/audit', expect: G('PERM_AUDIT_READ', 200, { 'renhe-supervisor': 404 }) },
      { path: '/api/v1/orgs/zhanerxiang/audit', expect: G('PERM_AUDIT_READ', 200, { 'renhe-supervisor': 404 }) },
      { path: '/api/v1/orgs/xinancun/audit', expect: G('PERM_AUDIT_READ', 200, { township: 404, 'renhe-supervisor': 404 }) },
    ],
  },
};

const ROUTES = parseRoutes();
const key = (r) => `${r.method} ${r.pattern}`;

let srv;
const prep = { bystanderTokenId: null, spare: {}, appeals: {}, keys: {}, revokedKey: null };

before(async () => {
  // many public intakes from one address in a few seconds: lift the per-address hourly limit
  srv = await startServer({ args: ['--public-rate', '100000'] });
  // what the demo data holds already (the checks after the matrix look only at newer rows)
  prep.firstAppeal = Number(await sqlScalar(srv.db, 'SELECT COALESCE(max(id), 0) + 1 FROM appeal'));
  prep.firstEvent = Number(await sqlScalar(srv.db, 'SELECT COALESCE(max(id), 0) + 1 FROM appeal_event'));
  for (const v of ['renhe', 'yinxing', 'dashan']) {
    const a = await call(srv.base, 'POST', '/api/v1/public/appeals', { json: { village: v, kind: 'village', content: `${v} 的路灯坏了`, name: '王大妈', phone: '13800001234' } });
    assert.equal(a.status, 201, a.text);
    prep.appeals[v] = { number: a.json.number, code: a.json.tracking_code };
  }
  const county = await login(srv.base, 'county');
  // register the cases, so that notes are allowed on them (a received case takes only `register`)
  for (const v of ['renhe', 'yinxing', 'dashan']) {
    const r = await call(srv.base, 'POST', `/api/v1/appeals/${prep.appeals[v].number}/transitions`, { auth: county, json: { action: 'register' } });
    assert.equal(r.status, 200, r.text);
  }
  // a second township with a village, outside the township admin's scope
  for (const [code, kind, name, parent] of [['xinan', 'township', '西安镇', 'liangdang'], ['xinancun', 'village', '西安村', 'xinan']]) {
    const r = await call(srv.base, 'POST', '/api/v1/orgs', { auth: county, json: { code, kind, name, parent } });
    assert.equal(r.status, 201, r.text);
  }
  // 改: an upload, a fund with open projects, a milestone, an open finding (upgrade_lib.mjs)
  prep.upgrade = await upgradeMatrixPrep(srv, county);
  prep.duty = await dutyMatrixPrep(srv, county);
  // a user whose token no one else may revoke
  const r = await call(srv.base, 'POST', '/api/v1/users', { auth: county, json: { login: 'bystander', password: NEWPW, role: 'member', scope: 'renhe-dzb' } });
  assert.equal(r.status, 201, r.text);
  const by = await login(srv.base, 'bystander', NEWPW);
  const bt = await createToken(srv.base, by, 'bystander');
  prep.bystanderTokenId = bt.id;
  prep.bystanderToken = bt.token;
  // an API token of each demo user for Open311's api_key, and a revoked one
  const keys = await demoTokens(srv.base);
  for (const l of DEMO_LOGINS) prep.keys[l] = keys[l].token;
  const rk = await createToken(srv.base, county, 'revoked');
  assert.equal((await call(srv.base, 'DELETE', `/api/v1/tokens/${rk.id}`, { auth: county })).status, 204);
  prep.revokedKey = rk.token;
  // a live first-run link, so that GET /setup has something to show
  await sqlOk(srv.db, `INSERT INTO setup_token(token_hash, created_at) VALUES('${sha256hex(SETUP)}', strftime('%s','now'))`);
});
after(() => stopServer(srv));

function formatMatrix(title, rows) {
  const w0 = Math.max(...rows.map((r) => r.label.length), 10);
  const head = ['route'.padEnd(w0), ...COLS.map((c) => c.slice(0, 11).padStart(11))].join(' ');
  const lines = rows.map((r) => [r.label.padEnd(w0), ...COLS.map((c) => {
    const { exp, got } = r.cells[c];
    return (got === exp ? String(got) : `✗${exp}→${got}`).padStart(11);
  })].join(' '));
  return `${title}\n${head}\n${lines.join('\n')}\n(✗E→A: expected E, got A)`;
}

describe('the matrix covers the route table', () => {
  test('routes.c parses into a non-trivial table', () => {
    assert.ok(ROUTES.length >= 29, `only ${ROUTES.length} routes parsed`);
    assert.ok(ROUTES.some((r) => r.perm === 'PERM_PUBLIC') && ROUTES.some((r) => r.perm === 'PERM_ORG_VIEW'));
  });

  test('every route has a matrix entry with its permission, and every entry is a route', () => {
    const problems = [];
    for (const r of ROUTES) {
      const m = MATRIX[key(r)];
      if (!m) problems.push(`no matrix entry for route ${key(r)} (${r.perm})`);
      else if (m.perm !== r.perm) problems.push(`${key(r)}: routes.c says ${r.perm}, the matrix expects ${m.perm}`);
      else if (!m.cases.length) problems.push(`${key(r)}: no cases`);
    }
    const keys = new Set(ROUTES.map(key));
    for (const k of Object.keys(MATRIX)) if (!keys.has(k)) problems.push(`matrix entry ${k} is not a route in routes.c`);
    assert.deepEqual(problems, []);
  });

  test('every expectation agrees with the role table (401 anonymous, 403 without the permission)', () => {
    const problems = [];
    for (const [k, m] of Object.entries(MATRIX)) {
      for (const cs of m.cases) {
        for (const c of COLS) {
          const exp = cs.expect[c];
          if (typeof exp !== 'number' && !cs.observe) { problems.push(`${k} ${cs.label || cs.path}: no expectation for ${c}`); continue; }
          if (m.perm === 'PERM_PUBLIC') continue;
          if (c === 'anon' && exp !== 401) problems.push(`${k} ${cs.label || cs.path}: anonymous should be 401, not ${exp}`);
          if (c !== 'anon' && !grants(c, m.perm) && exp !== 403) problems.push(`${k} ${cs.label || cs.path}: ${c} lacks ${m.perm}, should be 403, not ${exp}`);
          if (c !== 'anon' && grants(c, m.perm) && (exp === 401 || (exp === 403 && !(cs.handler403 || []).includes(c)))) problems.push(`${k} ${cs.label || cs.path}: ${c} holds ${m.perm}, expected ${exp}`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });
});

async function runMatrix(mode) {
  const auths = { anon: null };
  if (mode === 'token') {
    const toks = await demoTokens(srv.base);
    for (const l of DEMO_LOGINS) auths[l] = { token: toks[l].token };
  } else {
    for (const l of DEMO_LOGINS) auths[l] = await login(srv.base, l);
  }
  // a spare token of each user, revoked by the 'own token' cell
  const spare = {};
  for (const l of DEMO_LOGINS) spare[l] = (await createToken(srv.base, auths[l], 'spare')).id;
  const ctxPrep = { ...prep, spare };
  let n = 0;
  const rows = [];
  for (const r of ROUTES) {
    const m = MATRIX[key(r)];
    if (!m) continue;
    for (const cs of m.cases) {
      const row = { label: `${r.method} ${cs.label ? `${cs.path || r.pattern} (${cs.label})` : cs.path}`, cells: {} };
      for (const who of COLS) {
        let auth = auths[who];
        if (cs.fresh && who !== 'anon' && mode === 'cookie') auth = await login(srv.base, who); // a session this cell may end
        const ctx = { who, auth, mode, uniq: `${mode[0]}${++n}`, prep: ctxPrep, srv };
        let opts = cs.req ? await cs.req(ctx) : {};
        let p = cs.path;
        if (opts && opts.path) { p = opts.path; opts = opts.opts || {}; }
        const res = await call(srv.base, r.method, p, { ...opts, auth, cookies: { ...(opts.cookies || {}) } });
        row.cells[who] = { exp: (cs.expectFor ? cs.expectFor(mode) : cs.expect)[who], got: cs.observe ? cs.observe(res) : res.status, body: res.text.slice(0, 160) };
        // API errors keep the JSON error shape in every cell
        if (res.status >= 400 && p.startsWith('/api/')) {
          const ok = res.json && res.json.error && typeof res.json.error.code === 'string' && typeof res.json.error.message === 'string';
          if (!ok) row.cells[who].got = `${res.status}!json`;
        }
      }
      rows.push(row);
    }
  }
  return rows;
}

for (const mode of ['token', 'cookie']) {
  test(`matrix with ${mode === 'token' ? 'Bearer tokens' : 'session cookies + CSRF token'}: every route × every role`, async (t) => {
    const rows = await runMatrix(mode);
    const bad = rows.flatMap((r) => COLS.filter((c) => r.cells[c].got !== r.cells[c].exp)
      .map((c) => `${r.label} as ${c}: expected ${r.cells[c].exp}, got ${r.cells[c].got} ${r.cells[c].body}`));
    const table = formatMatrix(`authorization matrix (${mode})`, rows);
    t.diagnostic(`${rows.length} route cases × ${COLS.length} callers = ${rows.length * COLS.length} cells, ${bad.length} wrong`);
    if (bad.length) assert.fail(`${table}\n\n${bad.join('\n')}`);
  });
}

describe('outside the matrix: what the cells must not have changed', () => {
  test("no one could revoke the bystander's token", async () => {
    const r = await call(srv.base, 'GET', '/api/v1/me', { auth: { token: prep.bystanderToken } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.login, 'bystander');
  });

  test('nothing was created outside the scope (no user q-/b- made by the township, no org made by renhe-admin under zhanerxiang)', async () => {
    // users created in xinancun: only by the county
    const rows = await sqlOk(srv.db, "SELECT a.actor, count(*) FROM audit a WHERE a.action = 'user.create' AND a.org_id = (SELECT id FROM org WHERE code = 'xinancun') GROUP BY a.actor");
    assert.deepEqual(rows, ['user:county|4'], 'users in xinancun: 2 modes × (page + API) by county only');
    const orgs = await sqlOk(srv.db, "SELECT actor, count(*) FROM audit WHERE action = 'org.create' AND object LIKE 'org:v-%' GROUP BY actor ORDER BY actor");
    assert.deepEqual(orgs, ['user:county|2', 'user:township|2']);
    const groups = await sqlOk(srv.db, "SELECT actor, count(*) FROM audit WHERE action = 'org.create' AND object LIKE 'org:g-%' GROUP BY actor ORDER BY actor");
    assert.deepEqual(groups, ['user:county|2', 'user:renhe-admin|2', 'user:township|2']);
  });

  test('no appeal note, or case entered on a raiser\'s behalf, by anyone outside the handlers in scope', async () => {
    // (anyone, logged in or not, may raise a matter through the public form: 'receive' events are not checked)
    const actors = await sqlOk(srv.db, `SELECT DISTINCT e.actor FROM appeal_event e JOIN appeal a ON a.id = e.appeal_id JOIN org o ON o.id = a.org_id WHERE o.code = 'renhe' AND e.action <> 'receive' AND e.id >= ${prep.firstEvent} ORDER BY 1`);
    assert.deepEqual(actors, ['user:county', 'user:renhe-admin', 'user:renhe-cadre', 'user:township']);
    const enteredBy = await sqlOk(srv.db, `SELECT DISTINCT u.login FROM appeal a JOIN users u ON u.id = a.entered_by JOIN org o ON o.id = a.org_id WHERE o.code = 'renhe' AND a.id >= ${prep.firstAppeal} ORDER BY 1`);
    assert.deepEqual(enteredBy, ['county', 'renhe-admin', 'renhe-cadre', 'township'], 'cases entered on a raiser\'s behalf');
    const notes = await sqlOk(srv.db, `SELECT e.actor, count(*) FROM appeal_event e JOIN appeal a ON a.id = e.appeal_id JOIN org o ON o.id = a.org_id WHERE a.number = '${prep.appeals.dashan.number}' AND e.action = 'note' GROUP BY e.actor ORDER BY 1`);
    assert.deepEqual(notes, ['user:county|4', 'user:township|4'], 'notes on the dashan case: page + API, two modes, county and township only');
  });

  test('a session cookie without the CSRF token is refused on every unsafe non-public route (county, who holds every permission)', async () => {
    const problems = [];
    const unsafeRoutes = ROUTES.filter((r) => !['GET', 'HEAD'].includes(r.method) && r.perm !== 'PERM_PUBLIC');
    assert.ok(unsafeRoutes.length >= 7, `only ${unsafeRoutes.length} unsafe routes`);
    const before = await sqlOk(srv.db, 'SELECT count(*) FROM audit');
    for (const r of unsafeRoutes) {
      const s = await login(srv.base, 'county');
      const afterLogin = await sqlOk(srv.db, 'SELECT count(*) FROM audit');
      const fill = { code: 'renhe', id: '1', number: prep.appeals.renhe.number, file: 'requests.json' };
      const p = r.pattern.replace(/\{(\w+)\}/g, (_, k) => fill[k] ?? 'x');
      const isPage = !p.startsWith('/api/');
      for (const variant of ['none', 'wrong']) {
        const opts = { auth: s, cookies: { lang: 'en' } };
        if (isPage) opts.form = { ...(variant === 'wrong' ? { csrf: 'x'.repeat(43) } : {}), login: 'never-made', password: NEWPW, role: 'cadre' };
        else {
          opts.json = { login: 'never-made', password: NEWPW, role: 'cadre', scope: 'renhe', name_en: 'Never', code: 'never-made', kind: 'party_group', name: 'x', parent: 'renhe-dzb' };
          opts.csrf = variant === 'wrong' ? 'x'.repeat(43) : false;
        }
        const res = await call(srv.base, r.method, p, opts);
        if (res.status !== 403 || !res.text.includes('CSRF')) problems.push(`${r.method} ${p} (${variant} CSRF): ${res.status} ${res.text.slice(0, 120)}`);
      }
      // the session still works: nothing was logged out, and nothing was written
      const me = await call(srv.base, 'GET', '/api/v1/me', { auth: s });
      if (me.status !== 200) problems.push(`${r.method} ${p}: the session stopped working (${me.status})`);
      const now = await sqlOk(srv.db, 'SELECT count(*) FROM audit');
      if (now[0] !== afterLogin[0]) problems.push(`${r.method} ${p}: audit grew from ${afterLogin[0]} to ${now[0]} though refused`);
    }
    assert.ok(Number((await sqlOk(srv.db, 'SELECT count(*) FROM audit'))[0]) > Number(before[0]));
    assert.equal((await sqlOk(srv.db, "SELECT count(*) FROM users WHERE login = 'never-made'"))[0], '0');
    assert.equal((await sqlOk(srv.db, "SELECT count(*) FROM org WHERE code = 'never-made'"))[0], '0');
    assert.equal((await sqlOk(srv.db, "SELECT name_en FROM org WHERE code = 'renhe'"))[0], 'Renhe Village');
    assert.deepEqual(problems, []);
  });

  // Found while building the matrix (Open311, not identity): GeoReport v2 says a list request
  // without dates covers the last 90 days; the server's default range is now-90 d .. now+1 d,
  // i.e. 91 days, which its own "at most 90 days" check refuses.
  test('GET /open311/v2/requests.json without dates answers 200 (default: the last 90 days)', async () => {
    const r = await call(srv.base, 'GET', '/open311/v2/requests.json');
    assert.equal(r.status, 200, r.text);
    assert.ok(Array.isArray(r.json));
  });

  test('the login page of the matrix set a fresh session cookie (POST /login cell)', async () => {
    const r = await call(srv.base, 'POST', '/login', { cookies: { zd_pre: 'p' }, form: { csrf: 'p', login: 'renhe-cadre', password: DEMO_PW, next: '/o/renhe/users' } });
    assert.equal(r.status, 303);
    assert.equal(r.location, '/o/renhe/users');
    assert.ok(findSetCookie(r.setCookies, 'zd_session'));
  });
});
