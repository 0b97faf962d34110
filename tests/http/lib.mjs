// lib.mjs — shared helpers of the integration and browser tests.
//
//   startServer()   a fresh temp dir, `zhendi init --demo`, `zhendi serve` on a
//                   free port of 127.0.0.1; gives base URL and stop().
//   runCli()        run the binary once and collect stdout, stderr, exit code.
//   rawConnect()    one TCP connection for requests fetch cannot send (raw bytes
//   rawRequest()    in the request line, chunked bodies, keep-alive checks);
//                   responses are parsed here, nothing normalises the request.
//
// Only 127.0.0.1 is ever used as a target.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.resolve(ROOT, process.env.ZHENDI_BIN || 'build/zhendi');
export const HOST = '127.0.0.1';
/**
 * The engine under test. With ZHENDI_TEST_PG set (a URL of a PostgreSQL server the
 * tests may create databases on, e.g. from scripts/pgtest.sh), every server that
 * startServer() creates runs on a fresh PostgreSQL database instead of a SQLite file.
 */
export const PG = process.env.ZHENDI_TEST_PG || '';
export const ENGINE = PG ? 'postgres' : 'sqlite';
let pgSeq = 0;

/** psql on the server of ZHENDI_TEST_PG (or on url); resolves stdout, throws on failure. */
export function psql(sqlText, url = PG) {
  return new Promise((resolve, reject) => {
    const p = spawn('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sqlText], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [], err = [];
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => err.push(d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out).toString('utf8'))
      : reject(new Error(`psql failed (${code}) on ${sqlText}: ${Buffer.concat(err).toString('utf8')}`))));
  });
}

/** A new empty PostgreSQL database; resolves its URL. */
export async function freshPgDatabase() {
  const name = `zt_${process.pid}_${++pgSeq}_${Math.floor(Math.random() * 1e6)}`;
  await psql(`CREATE DATABASE ${name}`);
  return PG.replace(/\/[^/?]*(\?.*)?$/, `/${name}`);
}

export async function dropPgDatabase(url) {
  const name = /\/([^/?]+)(\?.*)?$/.exec(url)[1];
  await psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

const live = new Set(); // child processes still running, killed if the test process exits
process.on('exit', () => {
  for (const p of live) {
    try { p.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

/** A fresh temporary directory; remove it with rmTemp(). */
export function makeTemp(prefix = 'zhendi-test-') {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function rmTemp(dir) {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/**
 * Run `zhendi ...args` to completion.
 * Resolves { code, signal, stdout, stderr } (strings); never rejects on a non-zero exit.
 */
export function runCli(args, { timeoutMs = 20000, cwd = ROOT, env } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(BIN, args, { cwd, env: env || process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(p);
    const out = [], err = [];
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`zhendi ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    p.on('error', (e) => { clearTimeout(timer); live.delete(p); reject(e); });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(p);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/**
 * Start `zhendi serve` on 127.0.0.1 with a free port.
 *
 * options:
 *   db       an existing database file to serve (no init, and its directory is not removed);
 *            by default a fresh temp dir gets `init --db DIR/t.db --demo`
 *   demo     load the demo data into the fresh database (default true)
 *   args     extra `serve` arguments
 *   quiet    pass --quiet (default true)
 *   initDb   run `init` (with demo) on the given db too (a fresh PostgreSQL database)
 *
 * Resolves {
 *   base      'http://127.0.0.1:PORT', port, dir (temp dir or null), db (database path), proc,
 *   stderr()  everything the server has written to stderr so far,
 *   exited    a promise of { code, signal } once the process has ended,
 *   stop()    SIGTERM, wait for the exit, remove the temp dir; resolves the exit code
 *             (null if it died from a signal); safe to call twice.
 * }
 */
export async function startServer({ db, demo = true, args = [], quiet = true, startTimeoutMs = 10000, initDb = false } = {}) {
  let dir = null;
  let dbPath = db;
  let pgOwned = false;
  if (!dbPath || initDb) {
    dir = makeTemp();
    if (!dbPath) {
      dbPath = PG ? await freshPgDatabase() : path.join(dir, 't.db');
      pgOwned = !!PG;
    }
    const init = await runCli(['init', '--db', dbPath, ...(demo ? ['--demo'] : [])]);
    if (init.code !== 0) {
      rmTemp(dir);
      throw new Error(`zhendi init failed (exit ${init.code}): ${init.stderr}${init.stdout}`);
    }
  }
  const serveArgs = ['serve', '--db', dbPath, '--listen', `${HOST}:0`, ...(quiet ? ['--quiet'] : []), ...args];
  const cwd = dir || (dbPath.includes('://') ? os.tmpdir() : path.dirname(path.resolve(dbPath)));
  const proc = spawn(BIN, serveArgs, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  let errText = '';
  proc.stdout.on('data', () => {});
  proc.stderr.setEncoding('utf8');
  const exited = new Promise((resolve) => {
    proc.on('close', (code, signal) => { live.delete(proc); resolve({ code, signal }); });
  });
  let onPort;
  const portSeen = new Promise((resolve) => { onPort = resolve; });
  proc.stderr.on('data', (d) => {
    errText += d;
    const m = /\(port (\d+),/.exec(errText);
    if (m) onPort(Number(m[1]));
  });
  let timer;
  const port = await Promise.race([
    portSeen,
    exited.then(({ code, signal }) => {
      throw new Error(`zhendi serve exited (code ${code}, signal ${signal}) before listening:\n${errText}`);
    }),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`zhendi serve did not report its port within ${startTimeoutMs} ms:\n${errText}`)), startTimeoutMs);
    }),
  ]).catch((e) => {
    clearTimeout(timer);
    proc.kill('SIGKILL');
    rmTemp(dir);
    throw e;
  });
  clearTimeout(timer);

  let stopping = null;
  const stop = ({ signal = 'SIGTERM', timeoutMs = 10000 } = {}) => {
    if (!stopping) {
      stopping = (async () => {
        if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
        let t;
        const res = await Promise.race([
          exited,
          new Promise((resolve) => {
            t = setTimeout(() => { proc.kill('SIGKILL'); resolve(null); }, timeoutMs);
          }),
        ]);
        clearTimeout(t);
        const final = res || (await exited);
        rmTemp(dir);
        if (pgOwned) await dropPgDatabase(dbPath).catch(() => {});
        if (!res) throw new Error(`zhendi serve did not stop within ${timeoutMs} ms after ${signal}; killed`);
        return final.code;
      })();
    }
    return stopping;
  };

  return { base: `http://${HOST}:${port}`, port, dir, db: dbPath, proc, stderr: () => errText, exited, stop };
}

/**
 * Stop a server from startServer() and fail if it did not end cleanly: a non-zero
 * exit, or a sanitizer report on its stderr (the suite also runs under ASan/UBSan).
 */
export async function stopServer(srv) {
  if (!srv) return;
  const code = await srv.stop();
  const err = srv.stderr();
  const san = /ERROR: (?:Address|Leak|Thread|Memory)Sanitizer|runtime error:/.exec(err);
  if (code !== 0 || san) {
    throw new Error(`zhendi serve ended badly (exit ${code}${san ? ', sanitizer report' : ''}):\n${err.slice(-6000)}`);
  }
}

// ---------------------------------------------------------------------------
// Raw HTTP over net.Socket

function findCRLFCRLF(buf, from = 0) {
  return buf.indexOf('\r\n\r\n', from, 'latin1');
}

/**
 * Try to parse one complete response at the start of buf.
 * Returns { response, rest } or null if more bytes are needed.
 * `ended` tells that the peer closed (a body without length then ends there).
 */
function parseResponse(buf, { head = false, ended = false } = {}) {
  const hEnd = findCRLFCRLF(buf);
  if (hEnd < 0) return null;
  const headText = buf.subarray(0, hEnd).toString('latin1');
  const [statusLine, ...lines] = headText.split('\r\n');
  const m = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!m) throw new Error(`not an HTTP response: ${JSON.stringify(statusLine)}`);
  const status = Number(m[2]);
  const headers = {};
  const rawHeaders = [];
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    rawHeaders.push([k, v]);
    headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
  }
  let pos = hEnd + 4;
  const noBody = head || status === 204 || status === 304 || (status >= 100 && status < 200);
  let body = Buffer.alloc(0);
  if (!noBody) {
    const te = (headers['transfer-encoding'] || '').toLowerCase();
    if (te.includes('chunked')) {
      const parts = [];
      for (;;) {
        const lineEnd = buf.indexOf('\r\n', pos, 'latin1');
        if (lineEnd < 0) return null;
        const size = parseInt(buf.subarray(pos, lineEnd).toString('latin1'), 16);
        if (Number.isNaN(size)) throw new Error('bad chunk size');
        pos = lineEnd + 2;
        if (size === 0) {
          // trailers until an empty line
          const tEnd = findCRLFCRLF(buf, pos - 2);
          if (tEnd < 0) return null;
          pos = tEnd + 4;
          break;
        }
        if (buf.length < pos + size + 2) return null;
        parts.push(buf.subarray(pos, pos + size));
        pos += size + 2;
      }
      body = Buffer.concat(parts);
    } else if ('content-length' in headers) {
      const n = Number(headers['content-length']);
      if (buf.length < pos + n) return null;
      body = buf.subarray(pos, pos + n);
      pos += n;
    } else {
      if (!ended) return null;
      body = buf.subarray(pos);
      pos = buf.length;
    }
  }
  return {
    response: {
      httpVersion: m[1],
      status,
      statusText: m[3] || '',
      headers,
      rawHeaders,
      body,
      text: () => body.toString('utf8'),
    },
    rest: buf.subarray(pos),
  };
}

/**
 * One raw TCP connection to the server.
 *   send(bytes)               write a string (latin1: each char one byte) or a Buffer
 *   readResponse({head})      the next complete response (rejects on timeout)
 *   request(bytes, {head})    send + readResponse
 *   closed                    true once the server closed its side
 *   close()                   destroy the socket
 */
export function rawConnect(port, { host = HOST, timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    let waiter = null;
    const conn = {
      socket: sock,
      closed: false,
      error: null,
      responses: 0,
      send(data) {
        const b = Buffer.isBuffer(data) ? data : Buffer.from(data, 'latin1');
        return new Promise((res) => {
          if (sock.destroyed || conn.closed) return res(false);
          sock.write(b, (err) => res(!err));
        });
      },
      readResponse({ head = false, timeout = timeoutMs } = {}) {
        return new Promise((res, rej) => {
          const attempt = () => {
            let parsed;
            try {
              parsed = parseResponse(buf, { head, ended: conn.closed });
            } catch (e) {
              waiter = null;
              clearTimeout(t);
              rej(e);
              return true;
            }
            if (parsed) {
              buf = parsed.rest;
              waiter = null;
              clearTimeout(t);
              conn.responses++;
              res(parsed.response);
              return true;
            }
            if (conn.closed) {
              waiter = null;
              clearTimeout(t);
              rej(new Error(`connection closed before a complete response (${buf.length} bytes pending${conn.error ? `; ${conn.error.code || conn.error.message}` : ''})`));
              return true;
            }
            return false;
          };
          const t = setTimeout(() => {
            waiter = null;
            rej(new Error(`no complete response within ${timeout} ms (${buf.length} bytes received)`));
          }, timeout);
          if (!attempt()) waiter = attempt;
        });
      },
      async request(data, opts = {}) {
        await conn.send(data);
        return conn.readResponse(opts);
      },
      /** Whether any bytes have arrived that are not yet consumed. */
      pending() { return buf.length; },
      /** Resolves true when the server has closed the connection within ms, else false. */
      waitClosed(ms = 2000) {
        if (conn.closed) return Promise.resolve(true);
        return new Promise((res) => {
          const t = setTimeout(() => res(false), ms);
          sock.once('close', () => { clearTimeout(t); res(true); });
        });
      },
      close() { sock.destroy(); },
    };
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (waiter) waiter();
    });
    const onEnd = () => {
      conn.closed = true;
      if (waiter) waiter();
    };
    sock.on('end', onEnd);
    sock.on('close', onEnd);
    sock.on('error', (e) => {
      conn.error = e;
      if (!conn.connected) reject(e);
    });
    sock.once('connect', () => {
      conn.connected = true;
      resolve(conn);
    });
  });
}

/**
 * Send raw bytes on a new connection and resolve the first response
 * (with .closed telling whether the server closed the connection after it).
 */
export async function rawRequest(port, data, { head = false, timeoutMs = 10000 } = {}) {
  const c = await rawConnect(port, { timeoutMs });
  try {
    const res = await c.request(data, { head });
    res.closedAfter = await c.waitClosed(200);
    return res;
  } finally {
    c.close();
  }
}

/** A GET request line + headers as the raw helper sends them (path used verbatim). */
export function rawGet(pathBytes, { method = 'GET', headers = {}, close = true } = {}) {
  let s = `${method} ${pathBytes} HTTP/1.1\r\nHost: ${HOST}\r\n`;
  for (const [k, v] of Object.entries(headers)) s += `${k}: ${v}\r\n`;
  if (close) s += 'Connection: close\r\n';
  return `${s}\r\n`;
}

/** Security headers every response must carry; returns a list of problems (empty when fine). */
export function securityHeaderProblems(get) {
  const problems = [];
  const csp = get('content-security-policy');
  if (!csp) problems.push('no Content-Security-Policy');
  else {
    const scriptSrc = csp.split(';').map((s) => s.trim()).find((s) => s.startsWith('script-src'))
      || csp.split(';').map((s) => s.trim()).find((s) => s.startsWith('default-src'));
    if (!scriptSrc) problems.push(`CSP has neither script-src nor default-src: ${csp}`);
    else if (scriptSrc.includes("'unsafe-inline'")) problems.push(`CSP script-src allows 'unsafe-inline': ${csp}`);
  }
  if ((get('x-content-type-options') || '').toLowerCase() !== 'nosniff') problems.push(`X-Content-Type-Options is ${get('x-content-type-options')}`);
  if ((get('x-frame-options') || '').toUpperCase() !== 'DENY') problems.push(`X-Frame-Options is ${get('x-frame-options')}`);
  if (!get('referrer-policy')) problems.push('no Referrer-Policy');
  return problems;
}
