import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCodehubError } from '../../src/core/errors.js';
import { checkRepoId, repoIdProblem } from '../../src/core/ids.js';
import { isGitUrl, repoIdFromUrl } from '../../src/git/git.js';
import { describe as describeBlob } from '../../src/service/indexing/ingest.js';

describe('repo ids from remotes', () => {
  it('gives host/owner/name for scp-style, https and ssh remotes', () => {
    assert.equal(repoIdFromUrl('git@github.com:o/r.git'), 'github.com/o/r');
    assert.equal(repoIdFromUrl('https://github.com/o/r'), 'github.com/o/r');
    assert.equal(repoIdFromUrl('https://github.com/o/r.git/'), 'github.com/o/r');
    assert.equal(
      repoIdFromUrl('ssh://git@gitlab.example.com:2222/group/r.git'),
      'gitlab.example.com/group/r',
    );
    assert.equal(repoIdFromUrl('file:///tmp/x'), null);
  });

  it("gives no repo id for remotes whose parts are '..' or '.', which would name a folder outside the data dir", () => {
    assert.equal(repoIdFromUrl('x@..:../..'), null);
    assert.equal(repoIdFromUrl('git@github.com:o/..'), null);
    assert.equal(repoIdFromUrl('git@github.com:./r'), null);
  });

  it('accepts host/owner/name and local/<name>, and says why anything else is not a repo id', () => {
    assert.equal(repoIdProblem('github.com/o/r'), null);
    assert.equal(repoIdProblem('local/r'), null);
    assert.equal(repoIdProblem('../../x'), "has a '..' segment");
    assert.equal(repoIdProblem('a/./b'), "has a '.' segment");
    assert.equal(repoIdProblem('a//b'), 'has an empty segment');
    assert.equal(repoIdProblem('a\\..\\b/c/d'), 'contains a path separator (\\)');
    assert.equal(repoIdProblem('local/a/b'), 'is not local/<name>');
    assert.equal(repoIdProblem('a/b'), 'is not host/owner/name');
    assert.throws(
      () => checkRepoId('local/..', '--name'),
      (err) => isCodehubError(err, 'InvalidInput'),
    );
  });

  it('tells URLs from local paths', () => {
    assert.equal(isGitUrl('https://github.com/o/r'), true);
    assert.equal(isGitUrl('git@github.com:o/r.git'), true);
    assert.equal(isGitUrl('./some/dir'), false);
    assert.equal(isGitUrl('/abs/dir'), false);
  });
});

describe('blob classification', () => {
  it('counts lines and line endings, and flags NUL bytes and invalid UTF-8', () => {
    assert.deepEqual(pick(describeBlob('x', Buffer.from('a\nb\n'))), ['text', 2, 'lf']);
    assert.deepEqual(pick(describeBlob('x', Buffer.from('a\r\nb'))), ['text', 2, 'crlf']);
    assert.deepEqual(pick(describeBlob('x', Buffer.from('a\r\nb\n'))), ['text', 2, 'mixed']);
    assert.deepEqual(pick(describeBlob('x', Buffer.from(''))), ['text', 0, null]);
    assert.equal(describeBlob('x', Buffer.from([0x61, 0x00])).content, 'binary');
    assert.equal(describeBlob('x', Buffer.from([0xc3, 0x28])).content, 'invalid-utf8');
  });
});

function pick(i: ReturnType<typeof describeBlob>): unknown[] {
  return [i.content, i.lines, i.eol];
}
