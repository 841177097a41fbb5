/**
 * Runs s3rver in a process of its own: `node --openssl-legacy-provider s3rver-main.js <dir> <bucket>` prints
 * `{"port":N}` once listening, and exits when its stdin closes (so it never outlives the test that started it).
 * s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only offers in its legacy provider:
 * without it, every listing longer than one page fails with a 500.
 */
import S3rver from 's3rver';

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  ...(directory !== undefined ? { directory } : {}),
  configureBuckets: bucket !== undefined ? [{ name: bucket }] : [],
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().finally(() => process.exit(0));
});
