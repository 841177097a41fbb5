/**
 * Load soak (on demand, not in CI): `codehub serve` on loopback under a steady request rate for a fixed time,
 * then a verdict: server RSS stays flat, p99 of every minute within 2× of the first minute, zero errors.
 *   npx tsc -p . && node dist/bench/soak.js [--minutes 10] [--rate 10] [--warmup 60] [--repo PATH] [--json FILE]
 * It indexes --repo (default: this checkout) into a temp data dir, serves it, and sends an open-loop mix of
 * symbol pages, file pages, search pages, /api/v1 calls and MCP get_symbol/search_symbols POSTs, after an untimed
 * warm-up (each distinct request once, at most --warmup seconds: highlighter start, caches). It stops by
 * itself after --minutes and exits 1 when a criterion fails.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'codehub.js');

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '60' },
    repo: { type: 'string', default: ROOT },
    json: { type: 'string' },
  },
});
const MINUTES = Number(values.minutes);
const RATE = Number(values.rate);

interface Sample {
  ms: number;
  ok: boolean;
}

function get(
  base: string,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((res, rej) => {
    const headers: Record<string, string> = body
      ? { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
      : {};
    const req = request({ host: u.hostname, port: u.port, path, method, headers, agent: false }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      r.on('error', rej);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', rej);
    if (body) req.write(body);
    req.end();
  });
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const pct = (sorted: number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<number> {
  const data = mkdtempSync(join(tmpdir(), 'codehub-soak-'));
  try {
    process.stderr.write(`indexing ${values.repo} …\n`);
    const indexed = JSON.parse(
      execFileSync(process.execPath, [BIN, 'index', values.repo!, '--data', data, '--json'], {
        encoding: 'utf8',
      }),
    );
    const repo: string = indexed.repo ?? indexed.repoId;
    const server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', data], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const base = await new Promise<string>((res, rej) => {
      let out = '';
      server.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /codehub hub: (\S+)/.exec(out);
        if (m) res(m[1]!);
      });
      server.once('exit', (code) => rej(new Error(`serve exited ${code}`)));
    });
    const overview = JSON.parse((await get(base, 'GET', `/api/v1/repos/${repo}`)).body);
    const symbols: { id: string; name: string; path: string }[] = [
      ...overview.mostCalled,
      ...overview.untestedHotspots,
    ];
    if (symbols.length === 0) throw new Error('the indexed repo has no symbols to ask about');
    const enc = (v: string): string => v.split('/').map(encodeURIComponent).join('/');
    let n = 0;
    const nextRequest = (): [string, string, string?] => {
      const s = symbols[n % symbols.length]!;
      const words = ['index', 'serve', 'snapshot', 'blob', 'resolve', 'edge', 'symbol'];
      switch (n++ % 7) {
        case 0:
          return ['GET', `/${repo}/-/symbol/${enc(s.id)}`];
        case 1:
          return ['GET', `/api/v1/repos/${repo}/-/symbol/${enc(s.id)}`];
        case 2:
          return ['GET', `/search?q=${words[n % words.length]}`];
        case 3:
          return ['GET', `/api/v1/repos/${repo}/-/callers/${enc(s.id)}?depth=2`];
        case 4:
          return ['GET', `/${repo}/-/blob/${enc(s.path)}`];
        case 5:
          return [
            'POST',
            '/mcp',
            JSON.stringify({
              jsonrpc: '2.0',
              id: n,
              method: 'tools/call',
              params: { name: 'get_symbol', arguments: { repo, symbol: s.id } },
            }),
          ];
        default:
          return [
            'POST',
            '/mcp',
            JSON.stringify({
              jsonrpc: '2.0',
              id: n,
              method: 'tools/call',
              params: { name: 'search_symbols', arguments: { query: words[n % words.length] } },
            }),
          ];
      }
    };

    // Warm-up: each distinct request once, sequentially, so the first minute measures a warm server.
    const warmEnd = Date.now() + Number(values.warmup) * 1000;
    for (let i = 0; i < 7 * symbols.length && Date.now() < warmEnd; i++) {
      const [method, path, body] = nextRequest();
      await get(base, method, path, body).catch(() => undefined);
    }
    n = 0;
    process.stderr.write(`warm-up done (${Date.now() - warmEnd + Number(values.warmup) * 1000} ms)\n`);

    const minutes: { samples: Sample[]; rss: number[]; errors: string[] }[] = [];
    const started = Date.now();
    const end = started + MINUTES * 60_000;
    const inflight = new Set<Promise<void>>();
    process.stderr.write(`soak: ${RATE} req/s for ${MINUTES} min against ${base}\n`);
    const rssTimer = setInterval(() => {
      const m = Math.floor((Date.now() - started) / 60_000);
      (minutes[m] ??= { samples: [], rss: [], errors: [] }).rss.push(rssMb(server.pid!));
    }, 5_000);
    // Open loop: requests are sent on schedule whether or not earlier ones have answered.
    for (let i = 0; ; i++) {
      const due = started + (i * 1000) / RATE;
      if (due >= end) break;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const [method, path, body] = nextRequest();
      const t0 = performance.now();
      const minute = Math.floor((due - started) / 60_000);
      const bucket = (minutes[minute] ??= { samples: [], rss: [], errors: [] });
      const p: Promise<void> = get(base, method, path, body)
        .then((r) => {
          const ok = r.status === 200 && !(method === 'POST' && /"isError":true/.test(r.body));
          bucket.samples.push({ ms: performance.now() - t0, ok });
          if (!ok) bucket.errors.push(`${r.status} ${method} ${path}`);
        })
        .catch((err: Error) => {
          bucket.samples.push({ ms: performance.now() - t0, ok: false });
          bucket.errors.push(`${err.message} ${method} ${path}`);
        })
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.all(inflight);
    clearInterval(rssTimer);
    server.kill('SIGTERM');

    const rows = minutes.map((m, i) => {
      const ms = m.samples.map((s) => s.ms).sort((a, b) => a - b);
      return {
        minute: i + 1,
        requests: m.samples.length,
        errors: m.errors.length,
        p50: pct(ms, 50),
        p99: pct(ms, 99),
        rssMb: m.rss.length ? Math.max(...m.rss) : NaN,
      };
    });
    const first = rows[0]!;
    const last = rows[rows.length - 1]!;
    const errors = rows.reduce((a, r) => a + r.errors, 0);
    const worstP99Ratio = Math.max(...rows.map((r) => r.p99 / first.p99));
    const rssGrowth = last.rssMb / first.rssMb;
    const verdict = {
      zeroErrors: errors === 0,
      p99Within2x: worstP99Ratio <= 2,
      rssFlat: rssGrowth <= 1.25,
    };
    const report = {
      minutes: MINUTES,
      rate: RATE,
      repo,
      rows,
      errors,
      worstP99Ratio,
      rssGrowth,
      verdict,
      sampleErrors: minutes.flatMap((m) => m.errors).slice(0, 10),
    };
    console.log('| minute | requests | errors | p50 ms | p99 ms | server RSS MB (max) |');
    console.log('|---|---|---|---|---|---|');
    for (const r of rows)
      console.log(
        `| ${r.minute} | ${r.requests} | ${r.errors} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.rssMb.toFixed(1)} |`,
      );
    console.log(
      `\nerrors ${errors}; worst p99 / first-minute p99 = ${worstP99Ratio.toFixed(2)}; RSS last/first minute = ${rssGrowth.toFixed(2)}`,
    );
    console.log(`verdict: ${JSON.stringify(verdict)}`);
    if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2));
    return Object.values(verdict).every(Boolean) ? 0 : 1;
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
