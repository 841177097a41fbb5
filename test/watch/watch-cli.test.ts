/**
 * `codehub watch` through the real CLI on real git checkouts and real SQLite data dirs: one process indexes each new
 * commit as it appears, its work tree as an unpublished overlay, reports a failed index and goes on, and stops cleanly
 * on SIGTERM. Every wait is on an event the watcher printed, never a fixed sleep.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStorage } from '../../src/db/sqlite-storage.js';
import type { WatchEvent } from '../../src/service/watcher.js';
import { BIN, FixtureRepo, ROOT, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';

const fn = (name: string, body = '1'): string =>
  `export function ${name}(): number {\n  return ${body};\n}\n`;

/** A running `codehub watch --json`, its events as they arrive. */
class Watcher {
  readonly child: ChildProcess;
  readonly events: WatchEvent[] = [];
  stderr = '';
  private readonly exited: Promise<number | null>;
  private waiters: Array<() => void> = [];

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [BIN, 'watch', '--json', '--interval-ms', '50', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        this.events.push(JSON.parse(buffered.slice(0, nl)) as WatchEvent);
        buffered = buffered.slice(nl + 1);
      }
      this.notify();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        this.notify();
        resolve(code);
      }),
    );
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** The first event from index `from` on that matches; rejects after 20 s or when the watcher exits. */
  async waitFor(match: (e: WatchEvent) => boolean, from = 0): Promise<WatchEvent> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = this.events.slice(from).find(match);
      if (found) return found;
      if (this.child.exitCode !== null)
        throw new Error(`watch exited (${this.child.exitCode}) before the event:\n${this.stderr}`);
      if (Date.now() > deadline)
        throw new Error(
          `no such event within 20 s; got ${JSON.stringify(this.events, null, 1)}\n${this.stderr}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** SIGTERM; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

function snapshotStatuses(data: string, repoId: string): string[] {
  const storage = new SqliteStorage(join(data, 'codehub.db'));
  try {
    return storage.engine.listSnapshots(repoId).map((s) => s.status);
  } finally {
    void storage.close();
  }
}

describe('codehub watch', () => {
  let work: string;
  const running: Watcher[] = [];
  const start = (args: string[]): Watcher => {
    const w = new Watcher(args);
    running.push(w);
    return w;
  };

  before(() => {
    work = tempDir('watch');
  });
  after(async () => {
    await Promise.all(running.map((w) => w.stop()));
    removeDir(work);
  });

  it('indexes HEAD, then each new commit as it appears, and each snapshot answers its new symbol', async () => {
    const repo = FixtureRepo.withFiles(join(work, 'commits'), { 'src/a.ts': fn('first') }, 'one');
    const c0 = repo.commit('one again');
    const data = join(work, 'commits-data');
    const w = start([repo.dir, '--data', data]);
    const first = await w.waitFor((e) => e.event === 'indexed');
    assert.equal(first.commit, c0);
    assert.equal(first.repo, 'local/commits');

    repo.write('src/b.ts', fn('second'));
    const c1 = repo.commit('two');
    const second = await w.waitFor((e) => e.event === 'indexed' && e.commit === c1);
    assert.equal(second.analysedFiles, 1, 'only the new file is analysed');
    assert.equal(second.cachedFiles, 1, 'the unchanged file comes from the facts cache');
    assert.equal(second.name, `local/commits@${c1}`);

    repo.write(
      'src/c.ts',
      fn('third', 'second()').replace('export', "import { second } from './b.js';\nexport"),
    );
    const c2 = repo.commit('three');
    await w.waitFor((e) => e.event === 'indexed' && e.commit === c2);
    assert.equal(await w.stop(), 0, w.stderr);
    assert.equal(w.events.at(-1)?.event, 'stopped');

    const atC1 = runCli(['show', `local/commits@${c1}`, 'second', '--data', data, '--json']);
    assert.equal(atC1.code, 0, atC1.stderr);
    assert.equal(JSON.parse(atC1.stdout).repo.commit, c1);
    assert.equal(runCli(['show', `local/commits@${c1}`, 'third', '--data', data]).code, 6);
    const latest = runCli(['show', 'local/commits', 'third', '--data', data, '--json']);
    assert.equal(latest.code, 0, latest.stderr);
    assert.deepEqual(
      JSON.parse(latest.stdout).callees.map((e: { name: string }) => e.name),
      ['second'],
    );
    const repos = JSON.parse(runCli(['repos', '--json', '--data', data]).stdout) as {
      repos: Array<{ snapshots: Array<{ commit: string }> }>;
    };
    assert.deepEqual(
      repos.repos[0]!.snapshots.map((s) => s.commit),
      [c2, c1, c0],
    );
    // The warm process (facts remembered across indexes) builds the same snapshot as a fresh full index.
    const fresh = join(work, 'commits-fresh');
    assert.equal(runCli(['index', repo.dir, '--data', fresh]).code, 0);
    const exported = (dir: string): string => runCli(['export', 'local/commits', '--data', dir]).stdout;
    assert.ok(exported(data).includes('"third"'));
    assert.equal(exported(data), exported(fresh));
  });

  it('indexes the uncommitted state as an overlay that queries name <repo>@worktree and that is never published', async () => {
    const repo = FixtureRepo.withFiles(join(work, 'overlay'), { 'src/a.ts': fn('kept') }, 'one');
    const head = repo.commit('again');
    const data = join(work, 'overlay-data');
    const w = start([repo.dir, '--data', data, '--worktree']);
    await w.waitFor((e) => e.event === 'overlay');
    const seen = w.events.length;
    repo.write(
      'src/draft.ts',
      fn('draft', 'kept()').replace('export', "import { kept } from './a.js';\nexport"),
    );
    const overlay = await w.waitFor((e) => e.event === 'overlay', seen);
    assert.equal(overlay.name, 'local/overlay@worktree');
    assert.equal(overlay.head, head);
    assert.equal(
      overlay.analysedFiles,
      1,
      'only the edited file is analysed; the rest is the commit’s cached facts',
    );

    const shown = runCli(['show', 'local/overlay@worktree', 'draft', '--data', data, '--json']);
    assert.equal(shown.code, 0, shown.stderr);
    const result = JSON.parse(shown.stdout);
    assert.equal(result.source.verified, true);
    assert.deepEqual(
      result.callees.map((e: { name: string }) => e.name),
      ['kept'],
    );
    assert.match(
      runCli(['show', 'local/overlay@worktree', 'draft', '--data', data]).stdout,
      /^ {2}src\/draft\.ts:2–4 {3}local\/overlay@worktree \(uncommitted\)$/m,
    );
    const files = runCli(['files', 'local/overlay@worktree', '--data', data]);
    assert.match(files.stdout, /^src\/draft\.ts /m);
    const published = runCli(['show', 'local/overlay', 'draft', '--data', data]);
    assert.equal(published.code, 6, 'the latest published snapshot does not have the uncommitted symbol');
    const repos = JSON.parse(runCli(['repos', '--json', '--data', data]).stdout) as {
      repos: Array<{ commit: string; snapshots: Array<{ commit: string }> }>;
    };
    assert.equal(repos.repos[0]!.commit, head);
    assert.deepEqual(
      repos.repos[0]!.snapshots.map((s) => s.commit),
      [head],
    );

    // gc keeps a live watcher's overlay and the blobs only it references.
    const gc = runCli(['gc', '--json', '--data', data]);
    assert.equal(gc.code, 0, gc.stderr);
    assert.equal((JSON.parse(gc.stdout) as { removedOverlays: number }).removedOverlays, 0);
    const afterGc = runCli(['show', 'local/overlay@worktree', 'draft', '--data', data, '--json']);
    assert.equal(afterGc.code, 0, afterGc.stderr);
    assert.equal(JSON.parse(afterGc.stdout).source.verified, true);

    // The next state replaces the overlay.
    const before = w.events.length;
    repo.remove('src/draft.ts');
    repo.write('src/later.ts', fn('later'));
    await w.waitFor((e) => e.event === 'overlay', before);
    assert.equal(runCli(['show', 'local/overlay@worktree', 'later', '--data', data]).code, 0);
    assert.equal(runCli(['show', 'local/overlay@worktree', 'draft', '--data', data]).code, 6);

    assert.equal(await w.stop(), 0, w.stderr);
    const gone = runCli(['show', 'local/overlay@worktree', 'later', '--data', data]);
    assert.equal(gone.code, 6, 'the overlay leaves with its watcher');
    assert.match(gone.stderr, /no work-tree overlay/);
  });

  it('reports a commit that fails to index and goes on watching', async () => {
    const repo = FixtureRepo.withFiles(join(work, 'failing'), { 'a.ts': fn('a') }, 'one');
    const data = join(work, 'failing-data');
    const w = start([repo.dir, '--data', data]);
    await w.waitFor((e) => e.event === 'indexed');
    // Another (live) process holds the repo's index lock: the watcher's index run gives up after its 5 s wait.
    mkdirSync(join(data, 'locks'), { recursive: true });
    const lock = join(data, 'locks', 'local_failing.lock');
    writeFileSync(lock, String(process.pid));
    repo.write('b.ts', fn('b'));
    const c1 = repo.commit('two');
    const failed = await w.waitFor((e) => e.event === 'failed');
    assert.equal(failed.head, c1);
    assert.equal(failed.error?.code, 'IndexLocked');
    removeDir(lock);
    repo.write('c.ts', fn('c'));
    const c2 = repo.commit('three');
    await w.waitFor((e) => e.event === 'indexed' && e.commit === c2);
    assert.equal(await w.stop(), 0, w.stderr);
  });

  it('stops on SIGTERM in the middle of an index without leaving a building snapshot', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`src/m${i}.ts`] = fn(`f${i}`, i > 0 ? `f${i - 1}()` : '0');
    const repo = FixtureRepo.withFiles(join(work, 'term'), files, 'many');
    const data = join(work, 'term-data');
    const w = start([repo.dir, '--data', data]);
    await w.waitFor((e) => e.event === 'indexing');
    assert.equal(await w.stop(), 0, w.stderr);
    assert.deepEqual(
      w.events.slice(-3).map((e) => e.event),
      ['stopping', 'indexed', 'stopped'],
      'the index in hand finished, then the watcher stopped',
    );
    const statuses = snapshotStatuses(data, 'local/term');
    assert.ok(!statuses.includes('building'), `snapshots: ${statuses.join(', ')}`);
    assert.ok(!existsSync(join(data, 'overlays', 'local%2Fterm')), 'the watcher leaves nothing behind');
  });

  it('leaves at once on a second SIGTERM; the abandoned index is never served and the next run removes it', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 800; i++) files[`src/m${i}.ts`] = fn(`g${i}`);
    const repo = FixtureRepo.withFiles(join(work, 'abandon'), files, 'many');
    const data = join(work, 'abandon-data');
    const w = start([repo.dir, '--data', data]);
    await w.waitFor((e) => e.event === 'indexing');
    w.child.kill('SIGTERM');
    await w.waitFor((e) => e.event === 'stopping');
    w.child.kill('SIGTERM');
    assert.equal(await w.stop(), 143, w.stderr);
    assert.ok(!w.events.some((e) => e.event === 'indexed'), 'the index was abandoned');
    const repos = JSON.parse(runCli(['repos', '--json', '--data', data]).stdout) as {
      repos: Array<{ commit: string | null }>;
    };
    assert.ok(
      repos.repos.every((r) => r.commit === null),
      `no snapshot is visible: ${JSON.stringify(repos)}`,
    );
    const again = runCli(['watch', repo.dir, '--data', data, '--once']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(snapshotStatuses(data, 'local/abandon'), ['ready']);
  });

  it('refuses a folder that is not a git checkout, and a second watcher of the same repo and data dir', async () => {
    const plain = join(work, 'plain');
    mkdirSync(plain, { recursive: true });
    for (const path of [plain, join(work, 'no-such-dir')]) {
      const r = runCli(['watch', path, '--data', join(work, 'plain-data')]);
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /is not a git repository/);
    }
    const repo = FixtureRepo.withFiles(join(work, 'twice'), { 'a.ts': fn('a') }, 'one');
    const data = join(work, 'twice-data');
    const w = start([repo.dir, '--data', data]);
    await w.waitFor((e) => e.event === 'indexed');
    const second = runCli(['watch', repo.dir, '--data', data]);
    assert.equal(second.code, 7, second.stderr);
    assert.match(second.stderr, /already watched/);
    assert.equal(await w.stop(), 0, w.stderr);
  });

  it('prints one progress line per event on stderr', () => {
    const repo = FixtureRepo.withFiles(join(work, 'lines'), { 'a.ts': fn('a'), 'b.ts': fn('b') }, 'one');
    const data = join(work, 'lines-data');
    assert.equal(runCli(['watch', repo.dir, '--data', data, '--once']).code, 0);
    repo.write('c.ts', fn('c'));
    const head = repo.commit('two');
    const r = runCli(['watch', repo.dir, '--data', data, '--once']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 3, r.stderr);
    assert.match(
      lines[1]!,
      new RegExp(
        `^watch: local/lines ${head.slice(0, 12)} indexed in \\d+\\.\\d\\d s \\(1 file analysed, 2 from cache\\)$`,
      ),
    );
    assert.equal(lines[2], 'watch: local/lines stopped');
  });

  it('indexes once and exits with --once, leaving the overlay for queries until gc', () => {
    const repo = FixtureRepo.withFiles(join(work, 'once'), { 'a.ts': fn('a') }, 'one');
    repo.write('b.ts', fn('b'));
    const data = join(work, 'once-data');
    const r = runCli(['watch', repo.dir, '--data', data, '--worktree', '--once', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as WatchEvent).event);
    assert.deepEqual(events, ['watching', 'indexing', 'indexed', 'overlay', 'stopped']);
    assert.equal(runCli(['show', 'local/once@worktree', 'b', '--data', data]).code, 0);
    const gc = JSON.parse(runCli(['gc', '--json', '--data', data]).stdout) as { removedOverlays: number };
    assert.equal(gc.removedOverlays, 1);
    assert.equal(runCli(['show', 'local/once@worktree', 'b', '--data', data]).code, 6);
  });
});
