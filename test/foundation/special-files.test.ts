import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FixtureRepo, git, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';

interface FileJson {
  path: string;
  blobSha256: string | null;
  size: number;
  lines: number | null;
  eol: string | null;
  skipReason: string | null;
  target: string | null;
}

describe('files that are not plain text', () => {
  let work: string;
  let data: string;
  let repo: FixtureRepo;
  let subCommit: string;
  let files: Map<string, FileJson>;

  before(() => {
    work = tempDir('special');
    data = join(work, 'data');
    repo = FixtureRepo.init(join(work, 'repo'));
    repo.write('text.ts', 'const x = 1;\nconst y = 2;\n');
    repo.write('crlf.ts', 'const x = 1;\r\nconst y = 2;\r\n');
    repo.write('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01, 0x02]));
    repo.write('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])); // "café" in Latin-1
    repo.write('big.ts', `// ${'x'.repeat(5000)}\n`);
    repo.symlink('link.ts', 'text.ts');
    const sub = FixtureRepo.init(join(work, 'sub'));
    sub.write('s.ts', 'export {};\n');
    subCommit = sub.commit('sub');
    repo.commit('special files');
    git(repo.dir, 'update-index', '--add', '--cacheinfo', `160000,${subCommit},vendor/sub`);
    git(repo.dir, 'commit', '-q', '-m', 'add submodule');
    const r = runCli(['index', repo.dir, '--data', data, '--max-file-size', '1000', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const listed = runCli(['files', 'local/repo', '--data', data, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    files = new Map((JSON.parse(listed.stdout).files as FileJson[]).map((f) => [f.path, f]));
  });
  after(() => removeDir(work));

  it('records a binary file (NUL byte) with reason binary, bytes still stored', () => {
    const f = files.get('image.png')!;
    assert.equal(f.skipReason, 'binary');
    assert.ok(f.blobSha256);
    const cat = runCli(['cat', 'local/repo', 'image.png', '--data', data]);
    assert.equal(cat.code, 0);
    assert.deepEqual([...cat.stdoutBytes], [0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01, 0x02]);
  });

  it('records a file over --max-file-size as too-large without storing it', () => {
    const f = files.get('big.ts')!;
    assert.equal(f.skipReason, 'too-large');
    assert.equal(f.blobSha256, null);
    assert.equal(f.size, 5004);
  });

  it('records a symlink with its target, not followed', () => {
    const f = files.get('link.ts')!;
    assert.equal(f.skipReason, 'symlink');
    assert.equal(f.target, 'text.ts');
    assert.equal(f.blobSha256, null);
  });

  it('records a submodule with its commit', () => {
    const f = files.get('vendor/sub')!;
    assert.equal(f.skipReason, 'submodule');
    assert.equal(f.target, subCommit);
  });

  it('stores invalid UTF-8 as bytes and marks it', () => {
    const f = files.get('latin1.txt')!;
    assert.equal(f.skipReason, 'invalid-utf8');
    const cat = runCli(['cat', 'local/repo', 'latin1.txt', '--data', data]);
    assert.deepEqual([...cat.stdoutBytes], [0x63, 0x61, 0x66, 0xe9, 0x0a]);
  });

  it('keeps CRLF bytes as written and records the line-ending style', () => {
    const crlf = files.get('crlf.ts')!;
    assert.equal(crlf.skipReason, null);
    assert.equal(crlf.eol, 'crlf');
    assert.equal(crlf.lines, 2);
    assert.equal(files.get('text.ts')!.eol, 'lf');
    const cat = runCli(['cat', 'local/repo', 'crlf.ts', '--data', data]);
    assert.equal(cat.stdout, 'const x = 1;\r\nconst y = 2;\r\n');
  });

  it('refuses to cat a file whose content is not stored, with a clear message', () => {
    const r = runCli(['cat', 'local/repo', 'link.ts', '--data', data]);
    assert.equal(r.code, 6);
    assert.match(r.stderr, /symlink → text\.ts/);
  });
});
