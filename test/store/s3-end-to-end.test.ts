/**
 * The CLI with its blobs in S3 (a real s3rver on loopback): index a real git repository, read it back with cat, show
 * and verify, damage and delete objects in the bucket, repair them from git, collect garbage.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync } from 'node:zlib';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { BIN, FixtureRepo, removeDir, ROOT, tempDir } from '../helpers/fixture-repo.js';
import {
  FaultProxy,
  runCliAsync,
  s3Env,
  startS3Server,
  TEST_BUCKET,
  TEST_CREDENTIALS,
  type S3TestServer,
} from '../support/s3-server.js';

const GREET =
  'export function greet(name: string): string {\n  return `hello ${shout(name)}`;\n}\n\nexport function shout(s: string): string {\n  return s.toUpperCase();\n}\n';
const MAIN =
  "import { greet } from './greet.js';\n\nexport function main(): void {\n  console.log(greet('world'));\n}\n";
const OLD = 'export const dropped = 1;\n';
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
const PREFIX = 'e2e/blobs';
const key = (s: string): string => `${PREFIX}/${s.slice(0, 2)}/${s}`;

describe('codehub with --blobs s3://', () => {
  let server: S3TestServer;
  let raw: S3Client;
  let work: string;
  let data: string;
  let repo: FixtureRepo;
  let env: Record<string, string>;
  const blobs = `s3://${TEST_BUCKET}/${PREFIX}`;
  const cli = (...args: string[]) => runCliAsync([...args, '--data', data, '--blobs', blobs], env);
  const exists = async (s: string): Promise<boolean> =>
    raw.send(new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: key(s) })).then(
      () => true,
      () => false,
    );

  before(async () => {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    server = await startS3Server();
    env = server.env;
    raw = new S3Client({
      endpoint: server.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    });
    work = tempDir('s3-e2e');
    data = join(work, 'data');
    repo = FixtureRepo.init(join(work, 'app'));
    repo.write('src/greet.ts', GREET).write('src/main.ts', MAIN).write('src/old.ts', OLD);
    repo.commit('first');
  });
  after(async () => {
    raw.destroy();
    await server.close();
    removeDir(work);
  });

  it('indexes a git repository with every blob in the bucket and none in the data dir', async () => {
    const r = await cli('index', repo.dir, '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const result = JSON.parse(r.stdout);
    assert.equal(result.repo, 'local/app');
    assert.equal(result.newBlobs, 3);
    for (const text of [GREET, MAIN, OLD]) assert.equal(await exists(sha(text)), true);
    assert.equal(existsSync(join(data, 'blobs')), false);
  });

  it('finds the commit already indexed on a second run, by asking the bucket for its blobs', async () => {
    const r = await cli('index', repo.dir, '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).upToDate, true);
  });

  it('serves cat and show from the bucket, hash-verified', async () => {
    const cat = await cli('cat', 'local/app', 'src/greet.ts');
    assert.equal(cat.code, 0, cat.stderr);
    assert.equal(cat.stdout, GREET);
    const show = await cli('show', 'local/app', 'greet', '--json');
    assert.equal(show.code, 0, show.stderr);
    const page = JSON.parse(show.stdout);
    assert.equal(page.source.verified, true);
    assert.match(page.source.lines.join('\n'), /return `hello/);
    // CODEHUB_BLOBS names the store when --blobs is not given.
    const viaEnv = await runCliAsync(['cat', 'local/app', 'src/main.ts', '--data', data], {
      ...env,
      CODEHUB_BLOBS: blobs,
    });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.equal(viaEnv.stdout, MAIN);
  });

  it('serves the file API from the bucket with codehub serve --blobs, hash-verified', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', data, '--blobs', blobs], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let seen = '';
        child.stdout.on('data', (c: Buffer) => {
          seen += c.toString('utf8');
          const m = /^codehub hub: (\S+)$/m.exec(seen);
          if (m) resolve(m[1]!.replace(/\/$/, ''));
        });
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${seen}`)));
      });
      const res = await fetch(`${url}/api/v1/repos/local/app/-/blob/src/greet.ts`);
      assert.equal(res.status, 200);
      const view = (await res.json()) as { verified: boolean; text: string | null };
      assert.equal(view.verified, true);
      assert.equal(view.text, GREET);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    }
  });

  it('verify re-reads every object in the bucket and finds them sound', async () => {
    const r = await cli('verify', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      checked: 3,
      ok: 3,
      corrupt: [],
      missing: [],
      repaired: [],
      unrepaired: [],
    });
  });

  it('refuses a damaged object, and verify --repair restores it from git', async () => {
    await raw.send(
      new PutObjectCommand({
        Bucket: TEST_BUCKET,
        Key: key(sha(GREET)),
        Body: brotliCompressSync(Buffer.from('tampered\n')),
      }),
    );
    const cat = await cli('cat', 'local/app', 'src/greet.ts');
    assert.equal(cat.code, 3);
    assert.equal(cat.stdout, '');
    assert.match(
      cat.stderr,
      new RegExp(`^codehub: blob ${sha(GREET)} failed verification: .*verify --repair`),
    );
    const show = await cli('show', 'local/app', 'greet', '--json');
    assert.equal(show.code, 3);
    assert.equal(JSON.parse(show.stdout).source.verified, false);
    assert.doesNotMatch(show.stdout, /tampered/);
    const verify = await cli('verify', '--json');
    assert.equal(verify.code, 3);
    assert.deepEqual(JSON.parse(verify.stdout).corrupt, [sha(GREET)]);
    const repair = await cli('verify', '--repair', '--json');
    assert.equal(repair.code, 0, repair.stderr);
    assert.deepEqual(JSON.parse(repair.stdout).repaired, [sha(GREET)]);
    const again = await cli('cat', 'local/app', 'src/greet.ts');
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, GREET);
  });

  it('reports a blob missing from the bucket as BlobMissing and verify lists it, then --repair puts it back', async () => {
    await raw.send(new DeleteObjectCommand({ Bucket: TEST_BUCKET, Key: key(sha(MAIN)) }));
    const cat = await cli('cat', 'local/app', 'src/main.ts', '--json');
    assert.equal(cat.code, 3);
    assert.equal(JSON.parse(cat.stdout).error.code, 'BlobMissing');
    assert.match(cat.stderr, new RegExp(`blob ${sha(MAIN)} is missing from ${blobs}`));
    const verify = await cli('verify', '--json');
    assert.equal(verify.code, 3);
    const report = JSON.parse(verify.stdout);
    assert.deepEqual(report.missing, [sha(MAIN)]);
    assert.equal(report.checked, 2);
    const repair = await cli('verify', '--repair', '--json');
    assert.equal(repair.code, 0, repair.stderr);
    assert.deepEqual(JSON.parse(repair.stdout).repaired, [sha(MAIN)]);
    const back = await raw.send(new GetObjectCommand({ Bucket: TEST_BUCKET, Key: key(sha(MAIN)) }));
    assert.ok((await back.Body!.transformToByteArray()).length > 0);
  });

  it('gc deletes from the bucket the blobs no kept snapshot references, and only those', async () => {
    repo.remove('src/old.ts');
    repo.commit('second');
    const index = await cli('index', repo.dir, '--json');
    assert.equal(index.code, 0, index.stderr);
    const gc = await cli('gc', '--keep-latest', '--json');
    assert.equal(gc.code, 0, gc.stderr);
    const report = JSON.parse(gc.stdout);
    assert.equal(report.removedBlobs, 1);
    assert.equal(report.keptBlobs, 2);
    assert.ok(report.freedBytes > 0);
    assert.equal(await exists(sha(OLD)), false);
    assert.equal(await exists(sha(GREET)), true);
    const verify = await cli('verify', '--json');
    assert.equal(verify.code, 0, verify.stderr);
    assert.equal(JSON.parse(verify.stdout).checked, 2);
  });
});

describe('codehub given a bad S3 set-up', () => {
  let server: S3TestServer;
  let work: string;
  before(async () => {
    server = await startS3Server();
    work = tempDir('s3-bad');
  });
  after(async () => {
    await server.close();
    removeDir(work);
  });
  const oneLine = (stderr: string): void => assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);

  it('rejects a malformed s3:// URL with exit 2 before touching anything', async () => {
    const r = await runCliAsync(
      ['verify', '--data', join(work, 'd1'), '--blobs', 's3://Not_A_Bucket/x'],
      server.env,
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^codehub: 's3:\/\/Not_A_Bucket\/x' does not name a valid bucket/);
    oneLine(r.stderr);
    assert.equal(existsSync(join(work, 'd1')), false);
  });

  it('says which variables to set when there are no credentials', async () => {
    const r = await runCliAsync(['verify', '--data', join(work, 'd2'), '--blobs', `s3://${TEST_BUCKET}/x`], {
      ...server.env,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      HOME: work,
      AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'),
      AWS_CONFIG_FILE: join(work, 'none'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    assert.equal(r.code, 11);
    assert.match(
      r.stderr,
      /^codehub: no S3 credentials for s3:\/\/codehub-test\/x: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
    oneLine(r.stderr);
  });

  it('says the endpoint cannot be reached when nothing listens there', async () => {
    const r = await runCliAsync(
      ['cat', 'local/x', 'a.ts', '--data', join(work, 'd3'), '--blobs', `s3://${TEST_BUCKET}/x`],
      {
        ...server.env,
        AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1',
        AWS_MAX_ATTEMPTS: '2',
      },
    );
    // No snapshot yet: the repo is unknown before any blob is asked for.
    assert.equal(r.code, 6);
    const v = await runCliAsync(
      ['verify', '--json', '--data', join(work, 'd3'), '--blobs', `s3://${TEST_BUCKET}/x`],
      {
        ...server.env,
        AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1',
        AWS_MAX_ATTEMPTS: '2',
      },
    );
    assert.equal(v.code, 11);
    assert.match(v.stderr, /^codehub: cannot reach S3 at http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    oneLine(v.stderr);
    assert.equal(JSON.parse(v.stdout).error.code, 'BlobStoreUnavailable');
  });
});

describe('codehub index with S3 failing some of its requests', () => {
  let server: S3TestServer;
  let proxy: FaultProxy;
  let work: string;
  before(async () => {
    server = await startS3Server();
    proxy = await new FaultProxy(server.endpoint).start();
    work = tempDir('s3-flaky');
  });
  after(async () => {
    await proxy.close();
    await server.close();
    removeDir(work);
  });

  it('retries the requests answered 503 or 500, publishes a whole snapshot, and verify finds every blob sound', async () => {
    const repo = FixtureRepo.init(join(work, 'flaky'));
    for (let i = 0; i < 40; i++)
      repo.write(`src/m${i}.ts`, `export function f${i}(): number {\n  return ${i};\n}\n`);
    repo.commit('forty files');
    const data = join(work, 'data');
    const blobs = `s3://${TEST_BUCKET}/flaky`;
    const env = { ...s3Env(proxy.endpoint), AWS_MAX_ATTEMPTS: '4' };
    proxy.inject({ kind: 'status', status: 503 }, 10, 'PUT');
    proxy.inject({ kind: 'after', status: 500 }, 5, 'PUT');
    proxy.inject({ kind: 'status', status: 503 }, 5, 'HEAD');
    const index = await runCliAsync(['index', repo.dir, '--data', data, '--blobs', blobs, '--json'], env);
    assert.equal(index.code, 0, index.stderr);
    assert.equal(JSON.parse(index.stdout).files, 40);
    assert.ok(
      proxy.seen.filter((r) => r.status === 503 || r.status === 500).length >= 20,
      'the faults were met',
    );
    const verify = await runCliAsync(['verify', '--data', data, '--blobs', blobs, '--json'], env);
    assert.equal(verify.code, 0, verify.stderr);
    const report = JSON.parse(verify.stdout);
    assert.equal(report.checked, 40);
    assert.equal(report.ok, 40);
    assert.deepEqual(report.missing, []);
  });

  it('stops with one line and exit 11 when S3 keeps failing, leaving the previous state served', async () => {
    const repo = FixtureRepo.init(join(work, 'down'));
    repo.write('src/a.ts', 'export const a = 1;\n');
    repo.commit('one');
    const data = join(work, 'data-down');
    const env = { ...s3Env(proxy.endpoint), AWS_MAX_ATTEMPTS: '2' };
    proxy.clear();
    proxy.inject({ kind: 'status', status: 503 }, 1000, null);
    const index = await runCliAsync(
      ['index', repo.dir, '--data', data, '--blobs', `s3://${TEST_BUCKET}/down`],
      env,
    );
    proxy.clear();
    assert.equal(index.code, 11);
    assert.match(
      index.stderr,
      /^codehub: S3 at http:\/\/127\.0\.0\.1:\d+ answered 503 to (HEAD|PUT) .* after 2 attempts; try again later\n$/,
    );
    // Nothing was published: the repo has no snapshot to serve.
    const repos = await runCliAsync(['repos', '--data', data, '--json'], env);
    assert.deepEqual(
      JSON.parse(repos.stdout).repos.map((r: { snapshot: number | null }) => r.snapshot),
      [null],
    );
  });
});
