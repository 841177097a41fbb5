/** What `POST /api/v1/repos` turns a body into: the clone URL git is given, the repo id and the ref. */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { getEventListeners } from 'node:events';
import { jobRequest, pollSleep } from '../../src/service/job-runner.js';

describe('job requests', () => {
  it('takes what git clone takes and names the repo after it', () => {
    assert.deepEqual(jobRequest({ url: 'https://github.com/acme/widgets.git', ref: 'main' }), {
      repo: 'github.com/acme/widgets',
      url: 'https://github.com/acme/widgets.git',
      ref: 'main',
    });
    assert.equal(jobRequest({ url: 'git@gitlab.example:team/tool.git' }).repo, 'gitlab.example/team/tool');
    assert.equal(jobRequest({ url: 'ssh://git@host.example/a/b' }).repo, 'host.example/a/b');
    assert.deepEqual(jobRequest({ url: 'file:///srv/git/shop.git' }), {
      repo: 'local/shop',
      url: 'file:///srv/git/shop.git',
      ref: 'HEAD',
    });
    assert.deepEqual(jobRequest({ url: 'repos/shop', name: 'github.com/acme/shop' }), {
      repo: 'github.com/acme/shop',
      url: pathToFileURL(resolve('repos/shop')).href,
      ref: 'HEAD',
    });
  });

  it('refuses what it cannot hand to git safely, saying which field is wrong', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ url: '' }, /'url'/],
      [{ url: 42 }, /'url'/],
      [{ url: 'https://x.example/a/b\nrm' }, /'url'/],
      [{ url: 'gopher://x.example/a/b' }, /scheme gopher:/],
      [{ url: '--upload-pack=touch' }, /must not start with '-'/],
      [{ url: 'https://x.example/a/b', ref: '-x' }, /'ref'/],
      [{ url: 'https://x.example/a/b', ref: 'a b' }, /'ref'/],
      [{ url: 'https://x.example/a/b', name: '../../etc' }, /name/],
      [{ url: 'https://x.example/only' }, /pass 'name'/],
    ];
    for (const [input, message] of cases) {
      assert.throws(
        () => jobRequest(input as { url: unknown }),
        (err: Error & { code?: string }) => {
          assert.equal(err.name, 'InvalidInput', JSON.stringify(input));
          assert.match(err.message, message, JSON.stringify(input));
          return true;
        },
      );
    }
  });
});

describe("the job runner's poll wait", () => {
  it('leaves no abort listener behind after each wait, and ends at once when aborted', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) await pollSleep(1, controller.signal);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    const waiting = pollSleep(60_000, controller.signal);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 1);
    const started = Date.now();
    controller.abort();
    await waiting;
    assert.ok(Date.now() - started < 1_000, 'an abort ends the wait');
    await pollSleep(60_000, controller.signal);
  });
});
