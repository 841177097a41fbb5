/**
 * Indexing on request on the embedded default: `codehub serve` on SQLite runs the jobs its API queues in-process.
 * Real processes, real git repositories, real tokens made with `codehub token create`.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FixtureRepo, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';
import { api, startServe, waitFor, type HubProcess } from '../helpers/hub-processes.js';

type Job = {
  id: string;
  state: string;
  error: string | null;
  commit: string | null;
  repo: string;
  attempts: number;
  progress: unknown;
};

function token(dataDir: string, ...args: string[]): { token: string; id: string } {
  const r = runCli(['token', 'create', '--data', dataDir, '--json', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { token: string; id: string };
}

async function finished(base: string, id: string, ms = 60_000): Promise<Job> {
  return waitFor(`job ${id} to finish`, ms, async () => {
    const job = (await api(base, `/api/v1/jobs/${id}`)).body.job as Job;
    return job.state === 'done' || job.state === 'failed' ? job : null;
  });
}

describe('index jobs on the embedded default (SQLite, jobs run by serve)', () => {
  let tmp: string;
  let dataDir: string;
  let repo: FixtureRepo;
  let hub: HubProcess & { url: string };
  let admin: string;
  let first: string;

  before(async () => {
    tmp = tempDir('jobs-embedded');
    dataDir = join(tmp, 'data');
    repo = FixtureRepo.init(join(tmp, 'shop'));
    repo.write(
      'src/cart.ts',
      'export function total(xs: number[]): number { return sum(xs); }\nexport function sum(xs: number[]): number { return xs.reduce((a, b) => a + b, 0); }\n',
    );
    first = repo.commit('first');
    admin = token(dataDir, '--scope', 'admin', '--name', 'ci').token;
    hub = await startServe(['--data', dataDir, '--min-track-interval', '1']);
  });
  after(async () => {
    await hub?.stop();
    removeDir(tmp);
  });

  it('queues a local repository with an admin token and indexes it at the resolved commit', async () => {
    const res = await api(hub.url, '/api/v1/repos', { token: admin, body: { url: repo.dir, ref: 'main' } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const queued = res.body.job as Job;
    assert.equal(queued.state, 'queued');
    assert.equal(queued.repo, 'local/shop');
    const done = await finished(hub.url, queued.id);
    assert.equal(done.state, 'done', String(done.error));
    assert.equal(done.commit, first);
    assert.equal(done.attempts, 1);
    const repoAnswer = await api(hub.url, '/api/v1/repos/local/shop');
    assert.equal(repoAnswer.status, 200);
    assert.equal((repoAnswer.body.summary as { commit: string }).commit, first);
    const list = (await api(hub.url, '/api/v1/jobs')).body.jobs as Job[];
    assert.ok(list.some((j) => j.id === queued.id));
    const page = await fetch(`${hub.url}/-/jobs`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), new RegExp(`data-job="${queued.id}" data-state="done"`));
  });

  it('refreshes an indexed repository to its new commit', async () => {
    repo.write('src/tax.ts', 'export function tax(n: number): number { return n * 0.2; }\n');
    const second = repo.commit('second');
    const res = await api(hub.url, '/api/v1/repos/local/shop/refresh', { token: admin, body: {} });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const done = await finished(hub.url, (res.body.job as Job).id);
    assert.equal(done.state, 'done', String(done.error));
    assert.equal(done.commit, second);
    const unknown = await api(hub.url, '/api/v1/repos/local/nope/refresh', { token: admin, body: {} });
    assert.equal(unknown.status, 404);
  });

  it('fails a job whose URL cannot be cloned, with one clear line', async () => {
    const res = await api(hub.url, '/api/v1/repos', {
      token: admin,
      body: { url: join(tmp, 'no-such-repo') },
    });
    assert.equal(res.status, 202);
    const failed = await finished(hub.url, (res.body.job as Job).id);
    assert.equal(failed.state, 'failed');
    assert.match(
      failed.error ?? '',
      /^git clone file:\/\/.*no-such-repo failed: .*(does not appear to be a git repository|does not exist)/,
    );
    assert.ok(!failed.error!.includes('\n'));
    assert.equal(failed.attempts, 1, 'a URL that cannot be cloned is not retried');
  });

  it('refuses write routes without a valid admin token (401/403) and changes nothing', async () => {
    const read = token(dataDir, '--scope', 'read').token;
    const expiring = token(dataDir, '--scope', 'admin', '--expires', '1s').token;
    const revoked = token(dataDir, '--scope', 'admin');
    assert.equal(runCli(['token', 'revoke', revoked.id, '--data', dataDir]).code, 0);
    await new Promise((r) => setTimeout(r, 1_100));
    const before = ((await api(hub.url, '/api/v1/jobs')).body.jobs as Job[]).length;
    const body = { url: repo.dir, ref: 'main' };
    const cases: Array<[string, string | undefined, number]> = [
      ['no token', undefined, 401],
      ['a wrong token', 'chb_not-a-token-at-all', 401],
      ['an expired token', expiring, 401],
      ['a revoked token', revoked.token, 401],
      ['a read token', read, 403],
    ];
    for (const [what, tok, status] of cases) {
      const res = await api(hub.url, '/api/v1/repos', { ...(tok ? { token: tok } : {}), body });
      assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
      assert.match(String((res.body.error as { message: string }).message), /token/);
      const refresh = await api(hub.url, '/api/v1/repos/local/shop/refresh', {
        ...(tok ? { token: tok } : {}),
        body: {},
      });
      assert.equal(refresh.status, status, `refresh with ${what}`);
    }
    const foreign = await fetch(`${hub.url}/api/v1/repos`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${admin}`,
        'Content-Type': 'application/json',
        Origin: 'https://evil.example',
      },
      body: JSON.stringify(body),
    });
    assert.equal(foreign.status, 403, 'a foreign Origin is refused even with an admin token');
    const notJson = await api(hub.url, '/api/v1/repos', {
      token: admin,
      body: 'url=x',
      contentType: 'application/x-www-form-urlencoded',
    });
    assert.equal(notJson.status, 415);
    assert.equal(
      ((await api(hub.url, '/api/v1/jobs')).body.jobs as Job[]).length,
      before,
      'no job was queued',
    );
  });

  it('rejects bad requests with 400 and a reason', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /'url'/],
      [{ url: 'ext::sh -c touch% marker' }, /./],
      [{ url: 'gopher://example.com/a/b' }, /scheme gopher: is not supported/],
      [{ url: repo.dir, ref: '--upload-pack=x' }, /'ref'/],
      [{ url: repo.dir, track: true, intervalSeconds: 0 }, /'intervalSeconds'/],
      [[1, 2], /JSON object/],
    ];
    for (const [body, message] of cases) {
      const res = await api(hub.url, '/api/v1/repos', { token: admin, body });
      if ((body as { url?: string }).url?.startsWith('ext::')) {
        // Not a URL git runs a helper for: taken as a path of the server, which does not exist.
        assert.equal(res.status, 202);
        const failed = await finished(hub.url, (res.body.job as Job).id);
        assert.equal(failed.state, 'failed');
        continue;
      }
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(String((res.body.error as { message: string }).message), message);
    }
    assert.equal((await api(hub.url, '/api/v1/jobs/not-a-job')).status, 404);
  });

  it('re-queues a tracked ref on its interval', async () => {
    const res = await api(hub.url, '/api/v1/repos', {
      token: admin,
      body: { url: repo.dir, ref: 'main', track: true, intervalSeconds: 1 },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal((res.body.tracking as { intervalSeconds: number }).intervalSeconds, 1);
    const firstId = (res.body.job as Job).id;
    await finished(hub.url, firstId);
    const later = await waitFor('a job queued by tracking', 15_000, async () => {
      const jobs = (await api(hub.url, '/api/v1/jobs')).body.jobs as Array<
        Job & { createdAt: string; ref: string }
      >;
      return (
        jobs.find(
          (j) =>
            j.id !== firstId &&
            j.repo === 'local/shop' &&
            j.ref === 'main' &&
            Date.parse(j.createdAt) > Date.now() - 10_000,
        ) ?? null
      );
    });
    const done = await finished(hub.url, later.id);
    assert.equal(done.state, 'done');
  });
});

describe('a job of an embedded hub that was SIGKILLed mid-job', () => {
  it('is finished by the next serve on the same data dir, publishing one whole snapshot', async () => {
    const tmp = tempDir('jobs-embedded-kill');
    const dataDir = join(tmp, 'data');
    let hub: (HubProcess & { url: string }) | null = null;
    try {
      const repo = FixtureRepo.init(join(tmp, 'big'));
      for (let i = 0; i < 2500; i++)
        repo.write(
          `src/m${i}.ts`,
          `export function f${i}(x: number): number {\n  return ${i > 0 ? `f${i - 1}(x) + ` : ''}x;\n}\n`,
        );
      const commit = repo.commit('many files');
      const admin = token(dataDir, '--scope', 'admin').token;
      hub = await startServe(['--data', dataDir]);
      const first = hub;
      const res = await api(first.url, '/api/v1/repos', {
        token: admin,
        body: { url: repo.dir, ref: 'main' },
      });
      assert.equal(res.status, 202);
      const id = (res.body.job as Job).id;
      await waitFor('the job to be running with files read', 120_000, async () => {
        const j = (await api(first.url, `/api/v1/jobs/${id}`)).body.job as Job & {
          progress: { filesDone: number } | null;
        };
        return j.state === 'running' && (j.progress?.filesDone ?? 0) > 0;
      });
      first.child.kill('SIGKILL');
      await new Promise<void>((r) =>
        first.child.exitCode !== null || first.child.signalCode !== null
          ? r()
          : first.child.once('exit', () => r()),
      );
      hub = await startServe(['--data', dataDir]);
      const done = await finished(hub.url, id, 180_000);
      assert.equal(done.state, 'done', String(done.error));
      assert.equal(done.commit, commit);
      assert.equal(done.attempts, 2);
      assert.match(hub.output(), new RegExp(`job ${id}: its worker is gone`));
      const history = await api(hub.url, '/api/v1/repos/local/big/-/history');
      const snapshots = history.body.snapshots as Array<{ commit: string }>;
      assert.deepEqual(
        snapshots.map((s) => s.commit),
        [commit],
        'one published snapshot',
      );
      const files = await api(hub.url, '/api/v1/repos/local/big/-/files');
      assert.equal((files.body.files as unknown[]).length, 2500);
    } finally {
      await hub?.stop();
      removeDir(tmp);
    }
  });
});
