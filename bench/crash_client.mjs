// crash_client.mjs — the client side of bench/crash.sh (Node 18+, no packages).
//
//   node bench/crash_client.mjs fire BASE SECONDS ACKS [CONCURRENCY]
//       POST public intakes to BASE for SECONDS with CONCURRENCY loops. Every
//       201 whose body was read completely is an acknowledged case: its
//       "NUMBER CODE" line is appended to ACKS. Refused connections and resets
//       (the server is being killed and restarted) are counted and retried.
//   node bench/crash_client.mjs verify BASE ACKS
//       GET every acknowledged case with its tracking code; exit 1 unless all
//       answer 200 with the same number.
// Only 127.0.0.1 is a target; both modes stop by themselves.
import { appendFileSync, readFileSync } from 'node:fs';

const [mode, base, ...rest] = process.argv.slice(2);
if (!base || !/^http:\/\/127\.0\.0\.1:\d+$/.test(base)) {
  console.error('usage: crash_client.mjs fire|verify http://127.0.0.1:PORT ...');
  process.exit(2);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const villages = ['renhe', 'yinxing', 'dashan', 'gaoping', 'baiyang', 'shimen', 'xinzhuang', 'miaoping'];

async function fire(seconds, acksFile, concurrency) {
  const end = Date.now() + seconds * 1000;
  const stats = { acked: 0, refused: 0, failed: 0, other: 0 };
  let seq = 0;
  async function loop(id) {
    while (Date.now() < end) {
      const n = ++seq;
      const body = JSON.stringify({
        village: villages[n % villages.length],
        kind: ['village', 'neighbour', 'family'][n % 3],
        content: `崩溃测试 ${process.pid}-${id}-${n}：路灯不亮，请尽快修理。`,
        place: `${(n % 9) + 1}组`,
      });
      try {
        const res = await fetch(`${base}/api/v1/public/appeals`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body,
          signal: AbortSignal.timeout(5000),
        });
        const text = await res.text(); // the whole body: only then is it acknowledged
        if (res.status === 201) {
          const j = JSON.parse(text);
          appendFileSync(acksFile, `${j.number} ${j.tracking_code}\n`);
          stats.acked++;
        } else {
          stats.other++;
          if (stats.other <= 3) console.error(`unexpected ${res.status}: ${text.slice(0, 200)}`);
        }
      } catch (e) {
        const code = e?.cause?.code || e?.code || e?.name;
        if (code === 'ECONNREFUSED') stats.refused++;
        else stats.failed++; // reset or cut mid-response: not acknowledged
        await sleep(20);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, (_, i) => loop(i)));
  console.log(`fired: acknowledged=${stats.acked} refused=${stats.refused} cut=${stats.failed} other_status=${stats.other}`);
  if (stats.other) process.exitCode = 1;
}

async function verify(acksFile) {
  const lines = readFileSync(acksFile, 'utf8').split('\n').filter(Boolean);
  let ok = 0;
  const missing = [];
  let i = 0;
  async function worker() {
    while (i < lines.length) {
      const [number, code] = lines[i++].split(' ');
      let status = 0, got = '';
      for (let attempt = 0; attempt < 3 && status === 0; attempt++) {
        try {
          const res = await fetch(`${base}/api/v1/public/appeals/${number}?code=${encodeURIComponent(code)}`,
            { signal: AbortSignal.timeout(5000) });
          status = res.status;
          got = status === 200 ? (await res.json()).number : await res.text();
        } catch { await sleep(50); }
      }
      if (status === 200 && got === number) ok++;
      else missing.push(`${number} (${status})`);
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker));
  console.log(`verified: ${ok} of ${lines.length} acknowledged cases present${missing.length ? `; MISSING: ${missing.slice(0, 10).join(', ')}` : ''}`);
  if (missing.length || ok !== lines.length) process.exitCode = 1;
}

if (mode === 'fire') await fire(Number(rest[0] || 5), rest[1], Number(rest[2] || 16));
else if (mode === 'verify') await verify(rest[0]);
else { console.error('mode: fire or verify'); process.exit(2); }
