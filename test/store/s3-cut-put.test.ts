/**
 * A PUT whose client died mid-body (a worker SIGKILLed while uploading): real S3 refuses a body shorter than its
 * Content-Length or failing its Content-MD5, but s3rver keeps what arrived at the final key. The next put of the
 * same blob must replace that remnant, not trust it because the key exists.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { packBlob, sha256Hex } from '../../src/store/blob-codec.js';
import { S3BlobStore } from '../../src/store/s3-blob-store.js';
import {
  FaultProxy,
  startS3Server,
  TEST_BUCKET,
  TEST_CREDENTIALS,
  type S3TestServer,
} from '../support/s3-server.js';

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

function store(prefix: string): S3BlobStore {
  const s = new S3BlobStore(
    { bucket: TEST_BUCKET, prefix },
    { endpoint: proxy.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS },
  );
  opened.push(s);
  return s;
}

/** Sends a PUT announcing `body.length` bytes, writes only the first `sent`, and drops the connection. */
async function cutPut(path: string, body: Buffer, sent: number): Promise<void> {
  const endpoint = new URL(server.endpoint);
  await new Promise<void>((resolve) => {
    const req = request({
      host: endpoint.hostname,
      port: endpoint.port,
      method: 'PUT',
      path,
      headers: { 'content-length': body.length },
    });
    req.on('error', () => resolve());
    req.write(body.subarray(0, sent), () =>
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 200),
    );
  });
  await new Promise((r) => setTimeout(r, 200));
}

describe('S3 blob store: the remnant of a cut PUT', () => {
  it('replaces the part of a blob a dead client left at its key, and the blob then reads back verified', async () => {
    const prefix = `cut/${randomBytes(6).toString('hex')}`;
    const s = store(prefix);
    const bytes = Buffer.from(randomBytes(60_000).toString('base64'));
    const sha = sha256Hex(bytes);
    const packed = await packBlob(bytes);
    await cutPut(`/${TEST_BUCKET}/${s.keyOf(sha)}`, packed, packed.length >> 1);
    // What the test server kept: the key exists, and its bytes are not the blob.
    assert.equal(await s.has(sha), true, 'the test server kept the cut PUT (the case this guards against)');
    await assert.rejects(s.readVerified(sha), 'the remnant does not verify');

    proxy.clear();
    const put = await s.put(bytes);
    assert.equal(put.sha256, sha);
    assert.equal(proxy.seen.filter((r) => r.method === 'PUT').length, 1, 'the remnant is written over');
    assert.deepEqual(await s.readVerified(sha), bytes);
  });

  it('does not upload again a blob that is stored whole', async () => {
    const s = store(`cut/${randomBytes(6).toString('hex')}`);
    const bytes = Buffer.from('export const answer = 42;\n'.repeat(500));
    assert.equal((await s.put(bytes)).created, true);
    proxy.clear();
    assert.equal((await s.put(bytes)).created, false);
    assert.deepEqual(
      proxy.seen.map((r) => r.method),
      ['HEAD'],
      'one HEAD, no PUT',
    );
  });
});
