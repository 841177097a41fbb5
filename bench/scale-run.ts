/**
 * The scale run of issue 15: one PostgreSQL database, one S3-compatible server (s3rver on loopback), 3
 * `codehub worker` and 2 `codehub serve` processes. 20 generated repositories are queued at once through
 * `POST /api/v1/repos` with an admin token; while they index, random workers are killed with SIGKILL mid-job (10
 * times, each restarted at once). At the end it checks that every job is `done`, that `codehub verify` is clean, that
 * no snapshot is half-published (every ready snapshot has all the rows its meta counts, nothing is left `building`)
 * and that both web servers answer every repo the same.
 *
 *   node dist/bench/scale-run.js [--repos 20] [--workers 3] [--servers 2] [--kills 10] [--files 200]
 *                                [--seed 1] [--postgres URL] [--out FILE] [--timeout-min 30] [--work DIR]
 * Also from `npm run bench -- --scale-run` (after the other sections). Writes its section as Markdown.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { databaseOn, benchPostgresUrl } from './backends.js';
import { benchRoot, commitTree, prepareSyntheticCorpus, seededRandom } from './corpora.js';
import type { PreparedCorpus } from './corpora.js';
import { projectRoot } from './codehub-cli.js';
import { startS3Server, TEST_BUCKET } from '../test/support/s3-server.js';

/** Options of one scale run. */
export interface ScaleRunOptions {
  repos: number;
  workers: number;
  servers: number;
  kills: number;
  /** Files of the largest generated repository (sizes spread from a third of it up to it). */
  files: number;
  seed: number;
  postgres: string;
  work: string;
  timeoutMs: number;
  log(message: string): void;
}

interface Job {
  id: string;
  state: string;
  progress: unknown;
  error: string | null;
  repo: string | null;
  commit: string | null;
  /** Attempts started (the queue's field; absent from the minimal contract). */
  attempts?: number;
}

/** One queued repository and what happened to its job. */
interface Queued {
  source: PreparedCorpus & { language: string };
  jobId: string;
  queuedAt: number;
  job: Job | null;
  doneAt: number | null;
}

interface Kill {
  atMs: number;
  worker: number;
  pid: number;
  /** The job the killed worker held: repo, attempt, progress. */
  doing: string;
  running: number;
}

/** A child process of the run, restartable (the workers) and with its output kept for the report. */
class Managed {
  child: ChildProcess | null = null;
  output = '';
  starts = 0;

  constructor(
    readonly name: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
  ) {}

  start(): void {
    this.starts++;
    const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'codehub.js'), ...this.args], {
      cwd: projectRoot(),
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.child = child;
  }

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  lastLine(): string {
    const lines = this.output.trim().split('\n');
    return lines[lines.length - 1] ?? '';
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.alive()) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Runs the CLI to completion; stdout, stderr and the exit code. */
function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'codehub.js'), ...args], {
      cwd: projectRoot(),
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A generated Python package: modules of classes and functions calling each other across imports. */
function preparePythonRepo(root: string, files: number, seed: number): PreparedCorpus & { language: string } {
  const id = `python-${files}-s${seed}`;
  const dir = join(root, id);
  rmSync(dir, { recursive: true, force: true });
  const random = seededRandom(seed);
  let loc = 0;
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const deps = i === 0 ? [] : [...new Set([Math.floor(random() * i), Math.floor(random() * i)])];
    const lines = [`"""Generated module ${i} (seed ${seed})."""`];
    for (const d of deps) lines.push(`from pkg.mod${d} import Worker${d}, helper${d}_0`);
    lines.push('', '', `class Worker${i}:`, `    """Worker ${i}."""`, '');
    lines.push('    def __init__(self, retries):', '        self.retries = retries', '');
    for (let m = 0; m < 8; m++) {
      lines.push(`    def step${m}(self, value):`);
      if (m > 0) lines.push(`        value = self.step${m - 1}(value - 1)`);
      const d = deps[m % Math.max(1, deps.length)];
      if (d !== undefined && random() < 0.6) lines.push(`        value += helper${d}_0(value)`);
      lines.push(`        return value + self.retries`, '');
    }
    for (let f = 0; f < 6; f++) {
      lines.push('', `def helper${i}_${f}(value):`);
      lines.push(f + 1 < 6 ? `    return helper${i}_${f + 1}(value + 1)` : '    return value * 2');
    }
    const text = `${lines.join('\n')}\n`;
    const path = join(dir, 'pkg', `mod${i}.py`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    loc += lines.length;
    bytes += text.length;
  }
  writeFileSync(join(dir, 'pkg', '__init__.py'), '');
  mkdirSync(join(dir, 'tests'), { recursive: true });
  writeFileSync(
    join(dir, 'tests', 'test_workers.py'),
    'from pkg.mod0 import Worker0\n\n\ndef test_step():\n    assert Worker0(1).step3(2) > 0\n',
  );
  const commit = commitTree(dir, `generated Python package: ${files} modules, seed ${seed}`);
  return { id, dir, commit, files, bytes, loc, language: 'python' };
}

/** The repositories of the run: three in four TypeScript, the rest Python, sizes spread over a range. */
function prepareRepos(options: ScaleRunOptions): Array<PreparedCorpus & { language: string }> {
  const root = join(options.work, 'repos');
  mkdirSync(root, { recursive: true });
  const random = seededRandom(options.seed);
  const out: Array<PreparedCorpus & { language: string }> = [];
  for (let i = 0; i < options.repos; i++) {
    const files = Math.round(options.files / 3 + (random() * options.files * 2) / 3);
    if (i % 4 === 3) out.push(preparePythonRepo(root, files, options.seed * 100 + i));
    else
      out.push({
        ...prepareSyntheticCorpus({ files, seed: options.seed * 100 + i }, root),
        language: 'typescript',
      });
  }
  return out;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

async function httpJson(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Record<string, unknown> | null; text: string }> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: Record<string, unknown> | null = null;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = null;
  }
  return { status: response.status, body, text };
}

/** Waits until a `codehub serve` prints its URL and answers. */
async function waitForServer(server: Managed, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!server.alive()) throw new Error(`${server.name} exited: ${server.output.trim().slice(-500)}`);
    const url = /^codehub hub: (http:\/\/\S+)/m.exec(server.output)?.[1];
    if (url) {
      try {
        const r = await fetch(`${url.replace(/\/$/, '')}/api/v1/repos`);
        await r.text();
        return url.replace(/\/$/, '');
      } catch {
        // not listening yet
      }
    }
    await sleep(200);
  }
  throw new Error(
    `${server.name} did not answer within ${timeoutMs} ms: ${server.output.trim().slice(-500)}`,
  );
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function sec(ms: number): string {
  return (ms / 1000).toFixed(1);
}

function table(header: string[], rows: string[][]): string {
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [header, align, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** The running jobs by the pid of the worker holding them (holders are `host pid nonce`). */
async function runningHolders(
  url: string,
): Promise<Map<number, { repo: string; attempts: number; progress: string | null }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out = new Map<number, { repo: string; attempts: number; progress: string | null }>();
    for (const r of (
      await client.query(`SELECT repo, holder, attempts, progress FROM jobs WHERE state = 'running'`)
    ).rows) {
      const pid = Number(String(r.holder ?? '').split(' ')[1]);
      let progress: string | null = null;
      try {
        const p = JSON.parse(String(r.progress)) as {
          stage?: string;
          filesDone?: number;
          filesTotal?: number;
        };
        progress = `${p.stage ?? '?'} ${p.filesDone ?? '?'}/${p.filesTotal ?? '?'}`;
      } catch {
        progress = null;
      }
      if (Number.isInteger(pid))
        out.set(pid, { repo: String(r.repo), attempts: Number(r.attempts), progress });
    }
    return out;
  } finally {
    await client.end();
  }
}

/** Attempts started over all jobs. */
async function totalAttempts(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number(
      (await client.query('SELECT COALESCE(SUM(attempts), 0)::int AS n FROM jobs')).rows[0]?.n ?? 0,
    );
  } finally {
    await client.end();
  }
}

/** Every ready snapshot has all its rows; counts of snapshots by status. */
async function snapshotIntegrity(url: string): Promise<{
  byStatus: Record<string, number>;
  incomplete: string[];
  readyPerRepo: Map<string, number>;
}> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const byStatus: Record<string, number> = {};
    for (const r of (await client.query('SELECT status, COUNT(*)::int AS n FROM snapshots GROUP BY status'))
      .rows)
      byStatus[String(r.status)] = Number(r.n);
    const incomplete: string[] = [];
    const readyPerRepo = new Map<string, number>();
    const ready = await client.query(
      `SELECT s.id, s.repo_id, m.files, m.symbols, m.edges,
         (SELECT COUNT(*) FROM snapshot_segments k JOIN segments g ON g.id = k.segment_id
           WHERE k.snapshot_id = s.id AND g.git_oid IS NOT NULL)::int AS f,
         (SELECT COUNT(*) FROM snapshot_segments k JOIN symbols y ON y.segment_id = k.segment_id
           WHERE k.snapshot_id = s.id)::int AS y,
         (SELECT COUNT(*) FROM snapshot_segments k JOIN edges e ON e.segment_id = k.segment_id
           WHERE k.snapshot_id = s.id)::int AS e
       FROM snapshots s LEFT JOIN snapshot_meta m ON m.snapshot_id = s.id WHERE s.status = 'ready'`,
    );
    for (const r of ready.rows) {
      readyPerRepo.set(String(r.repo_id), (readyPerRepo.get(String(r.repo_id)) ?? 0) + 1);
      if (r.files === null || r.f !== r.files || r.y !== r.symbols || r.e !== r.edges)
        incomplete.push(
          `snapshot ${r.id} of ${r.repo_id}: meta ${r.files ?? 'missing'}/${r.symbols ?? '-'}/${r.edges ?? '-'}, rows ${r.f}/${r.y}/${r.e}`,
        );
    }
    return { byStatus, incomplete, readyPerRepo };
  } finally {
    await client.end();
  }
}

/** Runs the scale run and returns its Markdown section (the verdicts included). */
export async function scaleRun(options: ScaleRunOptions): Promise<string> {
  const started = Date.now();
  const { log } = options;
  rmSync(options.work, { recursive: true, force: true });
  mkdirSync(options.work, { recursive: true });
  log('scale run: generating repositories');
  const repos = prepareRepos(options);
  const database = `codehub_scale_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: options.postgres });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const databaseUrl = databaseOn(options.postgres, database);
  const s3 = await startS3Server();
  const blobs = `s3://${TEST_BUCKET}/scale`;
  const env = { ...s3.env };
  const storage = ['--database', databaseUrl, '--blobs', blobs];
  const workers: Managed[] = [];
  const servers: Managed[] = [];
  const kills: Kill[] = [];
  const problems: string[] = [];
  const queued: Queued[] = [];
  let verifyLine = 'not run';
  let verifyOk = false;
  let answers = { asked: 0, ok: 0, same: 0, failures: [] as string[] };
  let integrity: Awaited<ReturnType<typeof snapshotIntegrity>> | null = null;
  let attempts = 0;
  let queuedAt = 0;
  let allDoneAt = 0;
  try {
    // The schema is created by the first command; the token is created before anything serves.
    const token = await runCli(
      ['token', 'create', '--scope', 'admin', '--data', join(options.work, 'admin'), ...storage],
      env,
    );
    if (token.code !== 0)
      throw new Error(`codehub token create failed (${token.code}): ${token.stderr.trim()}`);
    // Without --json, stdout's first line is the token itself.
    const adminToken = token.stdout.split('\n')[0]?.trim();
    if (!adminToken) throw new Error(`codehub token create printed no token: ${token.stdout.trim()}`);

    for (let i = 0; i < options.servers; i++) {
      const server = new Managed(
        `serve ${i + 1}`,
        ['serve', '--port', '0', '--data', join(options.work, `serve-${i + 1}`), ...storage],
        env,
      );
      server.start();
      servers.push(server);
    }
    const urls: string[] = [];
    for (const server of servers) urls.push(await waitForServer(server, 120_000));
    for (let i = 0; i < options.workers; i++) {
      const worker = new Managed(
        `worker ${i + 1}`,
        ['worker', '--data', join(options.work, `worker-${i + 1}`), ...storage],
        env,
      );
      worker.start();
      workers.push(worker);
    }

    // Every repository at once, alternating between the two web servers.
    log(`scale run: queueing ${repos.length} repositories`);
    queuedAt = Date.now();
    const posted = await Promise.all(
      repos.map((source, i) =>
        httpJson(`${urls[i % urls.length]}/api/v1/repos`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ url: pathToFileURL(source.dir).href, ref: 'main' }),
        }),
      ),
    );
    posted.forEach((r, i) => {
      const job = r.body?.job as { id?: unknown; state?: unknown } | undefined;
      if (r.status !== 202 || typeof job?.id !== 'string')
        problems.push(`POST /api/v1/repos for ${repos[i]!.id} answered ${r.status}: ${r.text.slice(0, 200)}`);
      else queued.push({ source: repos[i]!, jobId: job.id, queuedAt, job: null, doneAt: null });
    });

    // Poll the jobs; kill a random worker every few seconds while jobs run, until the kills are spent.
    const random = seededRandom(options.seed * 7919);
    // The first kill comes early (jobs of a small run may all end within seconds), the next ones 2–6 s apart.
    let nextKillAt = Date.now() + 500 + random() * 1500;
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      for (const q of queued) {
        if (q.job && (q.job.state === 'done' || q.job.state === 'failed')) continue;
        const r = await httpJson(`${urls[0]}/api/v1/jobs/${encodeURIComponent(q.jobId)}`).catch(() => null);
        const job = r?.body?.job as Job | undefined;
        if (job) {
          q.job = job;
          if ((job.state === 'done' || job.state === 'failed') && q.doneAt === null) q.doneAt = Date.now();
        }
      }
      const running = queued.filter((q) => q.job?.state === 'running').length;
      const finished = queued.every((q) => q.job?.state === 'done' || q.job?.state === 'failed');
      if (finished) break;
      if (Date.now() > deadline) {
        problems.push(`timed out after ${sec(options.timeoutMs)} s with jobs not finished`);
        break;
      }
      if (kills.length < options.kills && running > 0 && Date.now() >= nextKillAt) {
        // Kill a worker that holds a running job (its holder is `host pid nonce`): a kill mid-job, not an idle one.
        const busy = await runningHolders(databaseUrl);
        const candidates = workers
          .map((worker, i) => ({ worker, i, job: busy.get(worker.pid) }))
          .filter((c) => c.job !== undefined && c.worker.alive());
        const pick = candidates[Math.floor(random() * candidates.length)];
        if (pick) {
          kills.push({
            atMs: Date.now() - queuedAt,
            worker: pick.i + 1,
            pid: pick.worker.pid,
            doing: `${pick.job!.repo} attempt ${pick.job!.attempts}, ${pick.job!.progress ?? 'no progress yet'}`,
            running,
          });
          log(`scale run: SIGKILL worker ${pick.i + 1} (pid ${pick.worker.pid}) running ${pick.job!.repo}`);
          await pick.worker.kill('SIGKILL');
          pick.worker.start();
          nextKillAt = Date.now() + 2000 + random() * 4000;
        }
      }
      for (const worker of workers) {
        if (!worker.alive()) {
          problems.push(`${worker.name} exited by itself: ${worker.lastLine()}`);
          worker.start();
        }
      }
      await sleep(500);
    }
    allDoneAt = Date.now();
    if (kills.length < options.kills)
      problems.push(`only ${kills.length} of ${options.kills} kills landed before every job finished`);

    // The checks.
    for (const worker of workers) await worker.kill('SIGTERM');
    const verify = await runCli(
      ['verify', '--json', '--data', join(options.work, 'verify'), ...storage],
      env,
    );
    let report: { checked?: number; ok?: number; corrupt?: unknown[]; missing?: unknown[] } = {};
    try {
      report = JSON.parse(verify.stdout) as typeof report;
    } catch {
      report = {};
    }
    verifyOk =
      verify.code === 0 && (report.corrupt?.length ?? 0) === 0 && (report.missing?.length ?? 0) === 0;
    for (const bad of [...(report.corrupt ?? []), ...(report.missing ?? [])].slice(0, 5))
      problems.push(`verify: ${JSON.stringify(bad)}`);
    verifyLine = `exit ${verify.code}: ${report.checked ?? '?'} blobs checked, ${report.ok ?? '?'} ok, ${report.corrupt?.length ?? '?'} corrupt, ${report.missing?.length ?? '?'} missing`;
    integrity = await snapshotIntegrity(databaseUrl);
    attempts = await totalAttempts(databaseUrl);
    answers = { asked: 0, ok: 0, same: 0, failures: [] };
    for (const q of queued) {
      const repo = q.job?.repo;
      if (!repo) continue;
      const bodies: string[] = [];
      for (const url of urls) {
        answers.asked++;
        const r = await httpJson(`${url}/api/v1/repos/${repo}`).catch((err: unknown) => ({
          status: 0,
          body: null,
          text: String(err),
        }));
        const search = await httpJson(
          `${url}/api/v1/search?q=${q.source.language === 'python' ? 'Worker' : 'Service'}&repo=${encodeURIComponent(repo)}&limit=5`,
        ).catch((err: unknown) => ({ status: 0, body: null, text: String(err) }));
        const hits = (search.body?.results as unknown[] | undefined)?.length ?? 0;
        if (r.status === 200 && r.text.includes(q.job?.commit ?? '\u0000') && hits > 0) answers.ok++;
        else
          answers.failures.push(
            `${url} ${repo}: repo ${r.status}${r.text.includes(q.job?.commit ?? '\u0000') ? '' : ' (not the job commit)'}, search ${search.status} (${hits} hits)`,
          );
        bodies.push(`${r.text}\n${search.text}`);
      }
      if (bodies.length > 1 && bodies.every((b) => b === bodies[0])) answers.same++;
    }
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  } finally {
    for (const worker of workers) await worker.kill('SIGKILL');
    for (const server of servers) await server.kill('SIGTERM');
    await s3.close();
    const drop = new pg.Client({ connectionString: options.postgres });
    await drop.connect();
    await drop.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await drop.end();
  }

  const states: Record<string, number> = {};
  for (const q of queued) states[q.job?.state ?? 'unknown'] = (states[q.job?.state ?? 'unknown'] ?? 0) + 1;
  const durations = queued.filter((q) => q.doneAt !== null).map((q) => q.doneAt! - q.queuedAt);
  const allDone = queued.length === options.repos && states.done === options.repos;
  const building = integrity?.byStatus.building ?? 0;
  const notOneReady = integrity
    ? queued.filter((q) => q.job?.repo && integrity!.readyPerRepo.get(q.job.repo) !== 1).length
    : options.repos;
  const halfPublished = integrity ? integrity.incomplete.length : -1;
  const verdict = (ok: boolean): string => (ok ? 'met' : 'missed');
  const files = repos.reduce((n, r) => n + r.files, 0);
  const lines = repos.reduce((n, r) => n + r.loc, 0);
  const rows: string[][] = [
    [
      'every job ends `done`',
      Object.entries(states)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ') || 'no jobs',
      verdict(allDone),
    ],
    [
      `${options.kills} SIGKILLs of workers mid-job`,
      `${kills.length} kills, each with jobs running`,
      verdict(kills.length === options.kills),
    ],
    ['`codehub verify` is clean', verifyLine, verdict(verifyOk)],
    [
      'no snapshot half-published',
      integrity
        ? `${Object.entries(integrity.byStatus)
            .map(([s, n]) => `${n} ${s}`)
            .join(
              ', ',
            )}; ${halfPublished} ready snapshots missing rows; ${notOneReady} repos without exactly one ready snapshot`
        : 'not checked',
      verdict(halfPublished === 0 && building === 0 && notOneReady === 0),
    ],
    [
      `both web servers answer every repo`,
      `${answers.ok} of ${answers.asked} answers right; ${answers.same} of ${queued.length} repos answered byte-identically by both`,
      verdict(answers.asked === options.repos * options.servers && answers.ok === answers.asked),
    ],
  ];
  const summary = [
    `## Scale run (issue 15): PostgreSQL + S3 (s3rver) + ${options.workers} workers + ${options.servers} web servers`,
    '',
    `${options.repos} generated repositories (${repos.filter((r) => r.language === 'typescript').length} TypeScript, ` +
      `${repos.filter((r) => r.language === 'python').length} Python; ${files.toLocaleString('en-US')} files, ` +
      `${lines.toLocaleString('en-US')} lines) queued at once through \`POST /api/v1/repos\` with an admin token; ` +
      `${kills.length} SIGKILLs, each of a random worker among those holding a running job, each worker restarted ` +
      `at once; ${attempts} attempts for ${queued.length} jobs. ` +
      `All queued to all finished: ${allDoneAt > 0 ? sec(allDoneAt - queuedAt) : '–'} s; queued to done per job: ` +
      `p50 ${sec(percentile(durations, 50))} s, max ${sec(Math.max(0, ...durations))} s. ` +
      `Load average at the end ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')}; run took ${sec(Date.now() - started)} s.`,
    '',
    table(['check', 'measured', 'verdict'], rows),
    '',
    '<details><summary>Kills</summary>',
    '',
    table(
      ['#', 's after queueing', 'worker', 'jobs running', 'job it held (repo, attempt, progress)'],
      kills.map((k, i) => [
        String(i + 1),
        sec(k.atMs),
        `${k.worker} (pid ${k.pid})`,
        String(k.running),
        k.doing.replace(/\|/g, '\\|') || '–',
      ]),
    ),
    '',
    '</details>',
  ];
  if (problems.length > 0 || answers.failures.length > 0 || (integrity?.incomplete.length ?? 0) > 0)
    summary.push(
      '',
      'Problems seen:',
      ...[...problems, ...answers.failures.slice(0, 10), ...(integrity?.incomplete ?? []).slice(0, 10)].map(
        (p) => `- ${p.replace(/\n/g, ' ').slice(0, 300)}`,
      ),
    );
  const failed = queued.filter((q) => q.job?.state === 'failed');
  if (failed.length > 0)
    summary.push('', ...failed.map((q) => `- job ${q.jobId} (${q.source.id}) failed: ${q.job?.error ?? ''}`));
  return summary.join('\n');
}

/** Options from argv (defaults: the issue's figures). */
export function scaleRunOptions(argv: string[], log: (message: string) => void): ScaleRunOptions {
  const value = (flag: string): string | undefined => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const num = (flag: string, fallback: number): number => {
    const v = value(flag);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`${flag} must be a whole number, got ${JSON.stringify(v)}`);
    return n;
  };
  return {
    repos: num('--repos', 20),
    workers: Math.max(1, num('--workers', 3)),
    servers: Math.max(1, num('--servers', 2)),
    kills: num('--kills', 10),
    files: Math.max(3, num('--files', 200)),
    seed: num('--seed', 1),
    postgres: benchPostgresUrl(value('--postgres')),
    work: value('--work') ?? join(benchRoot(), '.work', 'scale-run'),
    timeoutMs: num('--timeout-min', 30) * 60_000,
    log,
  };
}

const isMain = process.argv[1]?.endsWith('scale-run.js') ?? false;
if (isMain) {
  const log = (m: string): void => void process.stderr.write(`[scale-run] ${m}\n`);
  const argv = process.argv.slice(2);
  const outAt = argv.indexOf('--out');
  const out = outAt >= 0 ? argv[outAt + 1] : join(benchRoot(), '.work', 'scale-run.md');
  scaleRun(scaleRunOptions(argv, log))
    .then((markdown) => {
      mkdirSync(dirname(out!), { recursive: true });
      writeFileSync(out!, `${markdown}\n`);
      process.stdout.write(`${markdown}\n`);
      log(`wrote ${out}`);
    })
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    });
}
