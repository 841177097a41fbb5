import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { BlobStore } from '../../src/store/blob-store.js';
import { S3BlobStore } from '../../src/store/s3-blob-store.js';
import { startS3Server, TEST_BUCKET, TEST_CREDENTIALS, type S3TestServer } from '../support/s3-server.js';
import { runBlobStoreCases } from './blob-store.cases.js';

let server: S3TestServer;
let raw: S3Client;
before(async () => {
  // The SDK's notice about its future Node floor is not this test's business.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  server = await startS3Server();
  raw = new S3Client({
    endpoint: server.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
  });
});
after(async () => {
  raw.destroy();
  await server.close();
});

const s3 = (store: BlobStore): S3BlobStore => store as S3BlobStore;
const settings = () => ({ endpoint: server.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });

runBlobStoreCases('S3 (s3rver)', {
  async open(sameAs) {
    // Each case gets a prefix of its own in the one bucket; a second handle shares it.
    const prefix = sameAs
      ? sameAs.location.slice(`s3://${TEST_BUCKET}/`.length)
      : `cases/${randomBytes(6).toString('hex')}`;
    return new S3BlobStore({ bucket: TEST_BUCKET, prefix }, settings());
  },
  async rawRead(store, sha) {
    try {
      const out = await raw.send(new GetObjectCommand({ Bucket: TEST_BUCKET, Key: s3(store).keyOf(sha) }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (err) {
      if (err instanceof NoSuchKey) return null;
      throw err;
    }
  },
  async rawWrite(store, sha, bytes) {
    await raw.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: s3(store).keyOf(sha), Body: bytes }));
  },
  async rawDelete(store, sha) {
    await raw.send(new DeleteObjectCommand({ Bucket: TEST_BUCKET, Key: s3(store).keyOf(sha) }));
  },
});
