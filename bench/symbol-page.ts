/**
 * Symbol-page server time on an indexed repo: starts `codehub serve --port 0` on a data dir, picks symbols
 * spread over the repo (the most-called ones plus every symbol of a sample of files), requests each symbol
 * page once cold, then loops over them for a bounded number of rounds, one request at a time on loopback,
 * and prints p50/p99 of the whole-page time (render + verify + highlight; loopback adds well under a ms).
 *
 *   node dist/bench/symbol-page.js --data DIR --repo host/owner/name [--symbols 200] [--rounds 3]
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`--${name} is required`);
  return v;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timed(url: string): Promise<{ ms: number; status: number }> {
  const t = process.hrtime.bigint();
  const res = await fetch(url);
  await res.arrayBuffer();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, status: res.status };
}

async function json<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url} → ${res.status}`);
  return (await res.json()) as T;
}

/** Prints a summary line for one set of timings. */
function report(label: string, times: number[]): void {
  const s = [...times].sort((a, b) => a - b);
  console.log(
    `${label}: n=${s.length} p50=${percentile(s, 50).toFixed(1)}ms p99=${percentile(s, 99).toFixed(1)}ms max=${s.at(-1)?.toFixed(1)}ms`,
  );
}

async function main(): Promise<void> {
  const data = arg('data');
  const repo = arg('repo');
  const want = Number(arg('symbols', '200'));
  const rounds = Number(arg('rounds', '3'));
  const startedAt = Date.now();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'codehub.js'), 'serve', '--data', data, '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const base = await new Promise<string>((ok, fail) => {
      let seen = '';
      child.stdout!.on('data', (c: Buffer) => {
        seen += c.toString('utf8');
        const m = /^codehub hub: (\S+)$/m.exec(seen);
        if (m) ok(m[1]!);
      });
      child.once('exit', (code) => fail(new Error(`serve exited with ${code}`)));
    });
    console.log(`serve ready (shiki warmed) in ${Date.now() - startedAt} ms at ${base}`);

    // Symbols: the most-called ones, then every symbol of evenly spaced files until `want` are chosen.
    const overview = await json<{ mostCalled: Array<{ id: string }> }>(`${base}/api/v1/repos/${repo}`);
    const ids = new Set(overview.mostCalled.map((s) => s.id));
    const { files } = await json<{ files: Array<{ path: string; language: string | null }> }>(
      `${base}/api/v1/repos/${repo}/-/files`,
    );
    const code = files.filter((f) => f.language === 'typescript');
    const step = Math.max(1, Math.floor(code.length / 60));
    for (let i = 0; i < code.length && ids.size < want; i += step) {
      const view = await json<{ symbols: Array<{ id: string; kind: string }> }>(
        `${base}/api/v1/repos/${repo}/-/blob/${code[i]!.path}`,
      );
      for (const s of view.symbols) if (s.kind !== 'module' && ids.size < want) ids.add(s.id);
    }
    const urls = [...ids].map(
      (id) => `${base}/${repo}/-/symbol/${id.split('/').map(encodeURIComponent).join('/')}`,
    );
    console.log(`${urls.length} symbols from ${files.length} files`);

    const cold: number[] = [];
    let bad = 0;
    for (const u of urls) {
      const r = await timed(u);
      if (r.status !== 200) bad++;
      cold.push(r.ms);
    }
    report('symbol page, first view (cold highlight cache)', cold);
    const slowest = cold
      .map((ms, i) => ({ ms, url: urls[i]! }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 3);
    for (const s of slowest)
      console.log(`  slow first view: ${s.ms.toFixed(0)} ms ${s.url.slice(base.length)}`);
    const warm: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const u of urls) {
        const r = await timed(u);
        if (r.status !== 200) bad++;
        warm.push(r.ms);
      }
    }
    report(`symbol page, ${rounds} more rounds`, warm);
    report('symbol page, all requests', [...cold, ...warm]);
    // The same answers as JSON: the service's share of the page time.
    const apiTimes: number[] = [];
    for (const id of ids) {
      const r = await timed(
        `${base}/api/v1/repos/${repo}/-/symbol/${id.split('/').map(encodeURIComponent).join('/')}`,
      );
      apiTimes.push(r.ms);
    }
    report('GET /api/v1/…/-/symbol (service + JSON)', apiTimes);
    if (bad) console.log(`${bad} requests did not answer 200`);
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
