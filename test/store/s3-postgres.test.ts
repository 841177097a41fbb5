/**
 * The scaled set-up's two stores together: the graph in PostgreSQL (`--database`) and the blobs in S3 (`--blobs`, a
 * real s3rver on loopback). Index, read back, verify and gc work with both, and nothing lands in the data dir's own
 * SQLite file or blob folder.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FixtureRepo, removeDir, tempDir } from '../helpers/fixture-repo.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';
import { runCliAsync, startS3Server, TEST_BUCKET, type S3TestServer } from '../support/s3-server.js';

const GREET =
  'export function greet(name: string): string {\n  return `hello ${shout(name)}`;\n}\n\nexport function shout(s: string): string {\n  return s.toUpperCase();\n}\n';

describe('codehub with --database postgres:// and --blobs s3://', () => {
  let server: S3TestServer;
  let db: TempDatabase;
  let work: string;
  let data: string;
  let repo: FixtureRepo;
  const cli = (...args: string[]) =>
    runCliAsync(
      [...args, '--data', data, '--database', db.url, '--blobs', `s3://${TEST_BUCKET}/pg/blobs`],
      server.env,
    );

  before(async () => {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    server = await startS3Server();
    db = await createTempDatabase();
    work = tempDir('s3-pg');
    data = join(work, 'data');
    repo = FixtureRepo.init(join(work, 'app'));
    repo.write('src/greet.ts', GREET);
    repo.commit('first');
  });
  after(async () => {
    await server?.close();
    await db?.drop();
    if (work) removeDir(work);
  });

  it('indexes, reads back, verifies and collects garbage with neither store in the data dir', async () => {
    const indexed = await cli('index', repo.dir, '--json');
    assert.equal(indexed.code, 0, indexed.stderr);
    assert.equal(JSON.parse(indexed.stdout).newBlobs, 1);
    const cat = await cli('cat', 'local/app', 'src/greet.ts');
    assert.equal(cat.code, 0, cat.stderr);
    assert.equal(cat.stdout, GREET);
    const show = await cli('show', 'local/app', 'greet', '--json');
    assert.equal(show.code, 0, show.stderr);
    assert.deepEqual(
      (JSON.parse(show.stdout) as { callees: Array<{ qualifiedName: string }> }).callees.map(
        (c) => c.qualifiedName,
      ),
      ['shout'],
    );
    const verify = await cli('verify', '--json');
    assert.equal(verify.code, 0, verify.stderr);
    assert.equal(JSON.parse(verify.stdout).checked, 1);
    const gc = await cli('gc', '--json');
    assert.equal(gc.code, 0, gc.stderr);
    assert.equal(JSON.parse(gc.stdout).removedBlobs, 0);
    assert.equal(existsSync(join(data, 'codehub.db')), false, 'no SQLite file in the data dir');
    assert.equal(existsSync(join(data, 'blobs')), false, 'no blob folder in the data dir');
  });
});
