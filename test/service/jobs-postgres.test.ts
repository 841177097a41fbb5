/**
 * The scaled set-up for real: PostgreSQL (a fresh database), one blob folder, `codehub serve` processes that share
 * nothing else, and `codehub worker` processes — started, raced and SIGKILLed as separate processes.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { FixtureRepo, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';
import { api, startServe, startWorker, waitFor, type HubProcess } from '../helpers/hub-processes.js';
import { admin as adminQuery, createTempDatabase, type TempDatabase } from '../helpers/postgres.js';

type Job = {
  id: string;
  state: string;
  error: string | null;
  commit: string | null;
  attempts: number;
  progress: { stage: string; filesDone: number } | null;
};

describe('index jobs on PostgreSQL with workers and several web servers', () => {
  let tmp: string;
  let db: TempDatabase;
  let blobs: string;
  let admin: string;
  const running: HubProcess[] = [];
  let webA: HubProcess & { url: string };
  let webB: HubProcess & { url: string };

  const shared = (): string[] => ['--database', db.url, '--blobs', blobs];
  const worker = (name: string, ...extra: string[]): HubProcess => {
    const w = startWorker([
      '--data',
      join(tmp, name),
      '--work-dir',
      join(tmp, `${name}-work`),
      ...shared(),
      '--poll',
      '0.2',
      ...extra,
    ]);
    running.push(w);
    return w;
  };
  const job = async (id: string): Promise<Job> => (await api(webB.url, `/api/v1/jobs/${id}`)).body.job as Job;
  const finished = (id: string, ms = 90_000): Promise<Job> =>
    waitFor(`job ${id} to finish`, ms, async () => {
      const j = await job(id);
      return j.state === 'done' || j.state === 'failed' ? j : null;
    });
  const enqueue = async (url: string): Promise<string> => {
    const res = await api(webA.url, '/api/v1/repos', { token: admin, body: { url, ref: 'main' } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return (res.body.job as Job).id;
  };

  before(async () => {
    tmp = tempDir('jobs-pg');
    db = await createTempDatabase();
    blobs = join(tmp, 'blobs');
    const r = runCli([
      'token',
      'create',
      '--scope',
      'admin',
      '--json',
      '--data',
      join(tmp, 'cli'),
      ...shared(),
    ]);
    assert.equal(r.code, 0, r.stderr);
    admin = (JSON.parse(r.stdout) as { token: string }).token;
    webA = await startServe(['--data', join(tmp, 'web-a'), ...shared()]);
    webB = await startServe(['--data', join(tmp, 'web-b'), ...shared()]);
    running.push(webA, webB);
  });
  after(async () => {
    for (const p of running) await p.stop();
    await db?.drop();
    removeDir(tmp);
  });

  it('two web servers both answer a snapshot a worker publishes, and the next one, without restart', async () => {
    const repo = FixtureRepo.init(join(tmp, 'shop'));
    repo.write('src/cart.ts', 'export function total(xs: number[]): number { return xs.length; }\n');
    const first = repo.commit('first');
    // Both servers answer before anything is indexed (and so hold whatever they cache of the empty hub).
    for (const web of [webA, webB])
      assert.equal((await api(web.url, '/api/v1/repos/local/shop')).status, 404);
    const w = worker('w1');
    const done = await finished(await enqueue(repo.dir));
    assert.equal(done.state, 'done', String(done.error));
    for (const web of [webA, webB]) {
      const answer = await api(web.url, '/api/v1/repos/local/shop');
      assert.equal(answer.status, 200, `${web.url}: ${JSON.stringify(answer.body)}`);
      assert.equal((answer.body.summary as { commit: string }).commit, first);
    }
    repo.write('src/tax.ts', 'export function tax(n: number): number { return n / 5; }\n');
    const second = repo.commit('second');
    const refresh = await api(webB.url, '/api/v1/repos/local/shop/refresh', { token: admin, body: {} });
    assert.equal(refresh.status, 202);
    assert.equal((await finished((refresh.body.job as Job).id)).commit, second);
    for (const web of [webA, webB]) {
      const answer = await api(web.url, '/api/v1/repos/local/shop');
      assert.equal(
        (answer.body.summary as { commit: string }).commit,
        second,
        `${web.url} sees the new snapshot`,
      );
      const symbol = await api(
        web.url,
        `/api/v1/repos/local/shop/-/symbol/${encodeURIComponent('src/tax.ts::tax:function')}`,
      );
      assert.equal(symbol.status, 200, `${web.url} serves the new symbol`);
    }
    await w.stop();
  });

  it('gives a job two workers race for to one of them, which does the work once', async () => {
    const repo = FixtureRepo.init(join(tmp, 'race'));
    repo.write('lib/a.ts', 'export function a(): number { return 1; }\n');
    repo.commit('one');
    const id = await enqueue(repo.dir);
    const [w2, w3] = [worker('w2'), worker('w3')];
    const done = await finished(id);
    assert.equal(done.state, 'done', String(done.error));
    assert.equal(done.attempts, 1);
    const took = [w2, w3].filter((w) => w.output().includes(`job ${id}:`));
    assert.equal(took.length, 1, 'exactly one worker took the job');
    assert.equal(took[0]!.output().split(`job ${id}: local/race@`).length - 1, 1, 'indexed once');
    await Promise.all([w2.stop(), w3.stop()]);
  });

  it('finishes a job whose worker was SIGKILLed mid-job on another worker, publishing one whole snapshot', async (t) => {
    const repo = FixtureRepo.init(join(tmp, 'big'));
    for (let i = 0; i < 2500; i++)
      repo.write(
        `src/m${i}.ts`,
        `export function f${i}(x: number): number {\n  return ${i > 0 ? `f${i - 1}(x) + ` : ''}x;\n}\n`,
      );
    const commit = repo.commit('many files');
    const id = await enqueue(repo.dir);
    const victim = worker('victim', '--stale-after', '3');
    await waitFor('the job to be running with files read', 120_000, async () => {
      const j = await job(id);
      return j.state === 'running' && (j.progress?.filesDone ?? 0) > 0;
    });
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    await new Promise<void>((resolve) =>
      victim.child.exitCode !== null || victim.child.signalCode !== null
        ? resolve()
        : victim.child.once('exit', () => resolve()),
    );
    assert.equal((await job(id)).state, 'running', 'killed mid-job, before it finished');
    const rescuer = worker('rescuer', '--stale-after', '3');
    const done = await finished(id, 180_000);
    t.diagnostic(
      `SIGKILL to done on the second worker: ${Date.now() - killedAt} ms (2,500 files; includes that worker's start-up)`,
    );
    assert.equal(done.state, 'done', String(done.error));
    assert.equal(done.commit, commit);
    assert.equal(done.attempts, 2);
    assert.match(rescuer.output(), new RegExp(`job ${id}: its worker is gone`));
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const snaps = (
        await client.query("SELECT status, commit_sha FROM snapshots WHERE repo_id = 'local/big'")
      ).rows as Array<{ status: string; commit_sha: string }>;
      assert.deepEqual(
        snaps,
        [{ status: 'ready', commit_sha: commit }],
        'one ready snapshot, no half-built one left',
      );
      const files = (
        await client.query(
          `SELECT count(*)::int AS n FROM snapshot_segments k JOIN segments g ON g.id = k.segment_id
           JOIN snapshots s ON s.id = k.snapshot_id WHERE s.repo_id = $1 AND g.git_oid IS NOT NULL`,
          ['local/big'],
        )
      ).rows[0] as { n: number };
      assert.equal(files.n, 2500);
    } finally {
      await client.end();
    }
    await rescuer.stop();
  });

  it('refuses write routes with a read, expired or revoked token from PostgreSQL on every server, queueing nothing', async () => {
    const make = (...args: string[]): { token: string; id: string } => {
      const r = runCli(['token', 'create', '--json', '--data', join(tmp, 'cli'), ...shared(), ...args]);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as { token: string; id: string };
    };
    const read = make('--scope', 'read');
    const expiring = make('--scope', 'admin', '--expires', '1s');
    const revoked = make('--scope', 'admin');
    assert.equal(runCli(['token', 'revoke', revoked.id, '--data', join(tmp, 'cli'), ...shared()]).code, 0);
    await new Promise((r) => setTimeout(r, 1_100));
    const before = ((await api(webA.url, '/api/v1/jobs?limit=500')).body.jobs as Job[]).length;
    for (const web of [webA, webB]) {
      for (const [tok, status] of [
        [read.token, 403],
        [expiring.token, 401],
        [revoked.token, 401],
        ['chb_wrong', 401],
      ] as const) {
        const res = await api(web.url, '/api/v1/repos', { token: tok, body: { url: join(tmp, 'shop') } });
        assert.equal(res.status, status, `${web.url}: ${JSON.stringify(res.body)}`);
      }
    }
    assert.equal(((await api(webB.url, '/api/v1/jobs?limit=500')).body.jobs as Job[]).length, before);
  });

  it('waits out a database at its connection limit at start, then takes jobs', async () => {
    // A role and database of this test only, limited to 6 connections, all held by the test: the worker's first
    // starts meet "too many connections" (53300). Superusers are exempt from the limit, so the role is not one.
    const suffix = Math.random().toString(16).slice(2, 10);
    const role = `codehub_limited_${suffix}`;
    const full = await createTempDatabase('codehub_full');
    const holders: pg.Client[] = [];
    const url = new URL(full.url);
    url.username = role;
    try {
      await adminQuery(`CREATE ROLE ${role} LOGIN`);
      await adminQuery(`ALTER DATABASE ${full.name} OWNER TO ${role}`);
      await adminQuery(`ALTER DATABASE ${full.name} CONNECTION LIMIT 6`);
      for (let i = 0; i < 6; i++) {
        const c = new pg.Client({ connectionString: url.toString() });
        await c.connect();
        holders.push(c);
      }
      const w = startWorker(['--data', join(tmp, 'full'), '--database', url.toString(), '--blobs', blobs]);
      running.push(w);
      await waitFor('a retry line', 30_000, async () =>
        /has no free connection .*retrying in/.test(w.output()),
      );
      assert.equal(w.child.exitCode, null, `the worker waits instead of exiting:\n${w.output()}`);
      for (const c of holders.splice(0)) await c.end();
      await waitFor('the worker to start', 60_000, async () =>
        /taking index jobs from postgres/.test(w.output()),
      );
      await w.stop();
    } finally {
      for (const c of holders) await c.end().catch(() => undefined);
      await full.drop();
      await adminQuery(`DROP ROLE IF EXISTS ${role}`);
    }
  });

  it('exits with DatabaseUnavailable (12) and one clear line when PostgreSQL cannot be reached', async () => {
    const r = runCli([
      'worker',
      '--data',
      join(tmp, 'nodb'),
      '--database',
      'postgres://root@127.0.0.1:1/codehub',
    ]);
    assert.equal(r.code, 12, r.stderr);
    assert.match(
      r.stderr,
      /^codehub: database postgres:\/\/root@127\.0\.0\.1:1\/codehub is unavailable \(.*\); check that PostgreSQL runs/m,
    );
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });
});
