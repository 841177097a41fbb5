/**
 * The S3 adapter against an endpoint having a bad day: a proxy in front of a real s3rver answers 500/503 or stalls
 * for a number of requests. Transient faults are retried with backoff; lasting ones end in one clear
 * BlobStoreUnavailable error; a failed put leaves nothing that could verify wrongly.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { isCodehubError } from '../../src/core/errors.js';
import { sha256Hex } from '../../src/store/blob-codec.js';
import { openBlobStore } from '../../src/store/open-blob-store.js';
import { S3BlobStore, type S3Settings } from '../../src/store/s3-blob-store.js';
import { verifyStore } from '../../src/service/maintenance.js';
import { openWorkspace } from '../../src/service/workspace.js';
import { removeDir, tempDir } from '../helpers/fixture-repo.js';
import {
  FaultProxy,
  s3Env,
  startS3Server,
  TEST_BUCKET,
  TEST_CREDENTIALS,
  type S3TestServer,
} from '../support/s3-server.js';

/** Requests for one object (not listings). */
const OBJECT_URL = /\/[0-9a-f]{64}(\?|$)/;
let server: S3TestServer;
let proxy: FaultProxy;
const opened: S3BlobStore[] = [];

before(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  server = await startS3Server();
  proxy = await new FaultProxy(server.endpoint).start();
});
after(async () => {
  for (const s of opened) s.close();
  await proxy.close();
  await server.close();
});
beforeEach(() => proxy.clear());

/** A store in a fresh prefix, reached through the fault proxy. */
function storeViaProxy(extra: Partial<S3Settings> = {}): S3BlobStore {
  const store = new S3BlobStore(
    { bucket: TEST_BUCKET, prefix: `faults/${randomBytes(6).toString('hex')}` },
    {
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 4,
      ...extra,
    },
  );
  opened.push(store);
  return store;
}

const unavailable = (pattern: RegExp) => (e: unknown) =>
  isCodehubError(e, 'BlobStoreUnavailable') && pattern.test(e.message) && !e.message.includes('\n');

describe('the S3 blob store when the server fails', () => {
  it('retries reads answered 503 and returns the verified bytes once the server recovers', async () => {
    const store = storeViaProxy();
    const bytes = Buffer.from('export const survives = true;\n');
    const { sha256 } = await store.put(bytes);
    proxy.clear();
    proxy.inject({ kind: 'status', status: 503 }, 2, 'GET');
    assert.deepEqual(await store.readVerified(sha256), bytes);
    assert.deepEqual(
      proxy.seen.filter((r) => r.method === 'GET').map((r) => r.status),
      [503, 503, 200],
    );
  });

  it('retries a put answered 500 and stores the blob once', async () => {
    const store = storeViaProxy();
    const bytes = Buffer.from('written on the third try\n');
    proxy.inject({ kind: 'status', status: 500 }, 2, 'PUT');
    assert.deepEqual(await store.put(bytes), { sha256: sha256Hex(bytes), created: true });
    assert.deepEqual(
      proxy.seen.filter((r) => r.method === 'PUT').map((r) => r.status),
      [500, 500, 200],
    );
    assert.deepEqual(await store.readVerified(sha256Hex(bytes)), bytes);
  });

  it('gives up after its attempts with one clear error naming the status, and stores nothing', async () => {
    const store = storeViaProxy();
    const bytes = Buffer.from('never lands\n');
    proxy.inject({ kind: 'status', status: 500 }, 4, 'PUT');
    await assert.rejects(
      store.put(bytes),
      unavailable(/answered 500 to PUT .* after 4 attempts; try again later/),
    );
    assert.equal(proxy.seen.filter((r) => r.method === 'PUT').length, 4);
    // Nothing half-written: the name is absent, not present with wrong bytes.
    assert.equal(await store.has(sha256Hex(bytes)), false);
    await assert.rejects(store.readVerified(sha256Hex(bytes)), (e) => isCodehubError(e, 'BlobMissing'));
    const listed: string[] = [];
    for await (const b of store.list()) listed.push(b.sha256);
    assert.deepEqual(listed, []);
  });

  it('a put the server stored but answered 503 to is retried, and the blob verifies', async () => {
    const store = storeViaProxy();
    const bytes = Buffer.from('stored, but the answer was lost\n');
    proxy.inject({ kind: 'after', status: 503 }, 1, 'PUT');
    assert.equal((await store.put(bytes)).created, true);
    assert.deepEqual(await store.readVerified(sha256Hex(bytes)), bytes);
  });

  it('abandons a request the server never answers after its timeout, retries it, then succeeds', async () => {
    const store = storeViaProxy({ requestTimeoutMs: 300 });
    const bytes = Buffer.from('slow day\n');
    const { sha256 } = await store.put(bytes);
    proxy.clear();
    proxy.inject({ kind: 'stall' }, 1, 'GET');
    assert.deepEqual(await store.readVerified(sha256), bytes);
    assert.deepEqual(
      proxy.seen.filter((r) => r.method === 'GET').map((r) => r.status),
      ['stalled', 200],
    );
  });

  it('reports a server that never answers as timed out, after its attempts, within a bounded time', async () => {
    const store = storeViaProxy({ requestTimeoutMs: 200, maxAttempts: 2 });
    proxy.inject({ kind: 'stall' }, 2, 'GET');
    const started = Date.now();
    await assert.rejects(
      store.readVerified(sha256Hex(Buffer.from('x'))),
      unavailable(/did not answer GET .*timed out/),
    );
    assert.ok(Date.now() - started < 5000, `gave up after ${Date.now() - started} ms`);
  });

  it('reads again an answer whose connection dropped half-way, rather than calling the blob damaged', async () => {
    const store = storeViaProxy();
    const bytes = randomBytes(64 * 1024);
    const { sha256 } = await store.put(bytes);
    proxy.clear();
    proxy.inject({ kind: 'cut' }, 1, 'GET', OBJECT_URL);
    assert.deepEqual(await store.readVerified(sha256), bytes);
    assert.deepEqual(
      proxy.seen.filter((r) => r.method === 'GET').map((r) => r.status),
      ['cut', 200],
    );
  });

  it('reports answers cut short on every attempt as S3 unavailable, never as BlobHashMismatch', async () => {
    const store = storeViaProxy({ maxAttempts: 3 });
    const { sha256 } = await store.put(randomBytes(64 * 1024));
    proxy.inject({ kind: 'cut' }, 3, 'GET', OBJECT_URL);
    await assert.rejects(
      store.readVerified(sha256),
      unavailable(/cut its answer to GET .* short .* after 3 attempts/),
    );
  });

  it('verify fails as a whole when S3 keeps answering 503, reporting no blob as corrupt', async () => {
    const data = tempDir('s3-verify');
    // The workspace reads its S3 settings from the environment, as the CLI does.
    Object.assign(process.env, s3Env(proxy.endpoint), { AWS_MAX_ATTEMPTS: '2' });
    const ws = openWorkspace(data, {
      blobs: `s3://${TEST_BUCKET}/faults/verify-${randomBytes(4).toString('hex')}`,
    });
    try {
      for (const t of ['one', 'two', 'three']) await ws.blobs.put(Buffer.from(t));
      // Listing works; every object read fails.
      proxy.inject({ kind: 'status', status: 503 }, 100, 'GET', OBJECT_URL);
      await assert.rejects(
        verifyStore(ws, { repair: false }),
        unavailable(/answered 503 to GET .* after 2 attempts/),
      );
    } finally {
      ws.close();
      removeDir(data);
    }
  });
});

describe('the S3 blob store given bad settings', () => {
  it('refuses a malformed s3:// location with one line saying what is wrong', () => {
    for (const bad of [
      's3://',
      's3://Bad_Bucket/x',
      's3:/bucket/x',
      'S3://bucket',
      's3://bucket/a//b',
      'https://x/y',
    ]) {
      assert.throws(
        () => openBlobStore(bad, {}),
        (e) => isCodehubError(e, 'InvalidInput') && !e.message.includes('\n'),
        bad,
      );
    }
    assert.throws(
      () => openBlobStore('s3://bucket/p', { AWS_ENDPOINT_URL_S3: 'localhost:9000' }),
      (e) => isCodehubError(e, 'InvalidInput') && /not an http\(s\) URL/.test(e.message),
    );
    assert.equal(openBlobStore('s3://my-bucket/some/prefix/', {}).location, 's3://my-bucket/some/prefix');
  });

  it('reports an endpoint nothing listens on as unreachable', async () => {
    const store = new S3BlobStore(
      { bucket: TEST_BUCKET, prefix: 'x' },
      { endpoint: 'http://127.0.0.1:1', region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 2 },
    );
    opened.push(store);
    await assert.rejects(
      store.has('0'.repeat(64)),
      unavailable(/cannot reach S3 at http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/),
    );
  });

  it('reports a bucket that does not exist, saying to create it', async () => {
    const store = new S3BlobStore(
      { bucket: 'no-such-bucket', prefix: 'x' },
      { endpoint: server.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS },
    );
    opened.push(store);
    await assert.rejects(store.put(Buffer.from('x')), unavailable(/bucket 'no-such-bucket' does not exist/));
  });
});
