/**
 * Database tokens grant reads as the read token does: `serve --require-token` needs one on every route; a read token
 * (bearer or the login form's cookie) opens pages, the API and the jobs page; revoking it closes them at once.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';
import { startServe, type HubProcess } from '../helpers/hub-processes.js';

function create(dataDir: string, scope: string): { token: string; id: string } {
  const r = runCli(['token', 'create', '--scope', scope, '--data', dataDir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { token: string; id: string };
}

describe('database tokens on a hub that requires a token', () => {
  let tmp: string;
  let dataDir: string;
  let hub: HubProcess & { url: string };
  before(async () => {
    tmp = tempDir('db-tokens');
    dataDir = join(tmp, 'data');
    hub = await startServe(['--data', dataDir, '--require-token']);
  });
  after(async () => {
    await hub?.stop();
    removeDir(tmp);
  });

  it('refuses reads without a valid token and accepts a read or admin token as a bearer', async () => {
    const read = create(dataDir, 'read');
    const admin = create(dataDir, 'admin');
    assert.equal((await fetch(`${hub.url}/api/v1/repos`)).status, 401);
    assert.equal(
      (await fetch(`${hub.url}/api/v1/repos`, { headers: { Authorization: 'Bearer chb_wrong' } })).status,
      401,
    );
    for (const t of [read, admin]) {
      const res = await fetch(`${hub.url}/api/v1/repos`, { headers: { Authorization: `Bearer ${t.token}` } });
      assert.equal(res.status, 200);
      const jobs = await fetch(`${hub.url}/-/jobs`, { headers: { Authorization: `Bearer ${t.token}` } });
      assert.equal(jobs.status, 200);
      assert.match(await jobs.text(), /Index jobs/);
    }
    assert.equal(runCli(['token', 'revoke', read.id, '--data', dataDir]).code, 0);
    assert.equal(
      (await fetch(`${hub.url}/api/v1/repos`, { headers: { Authorization: `Bearer ${read.token}` } })).status,
      401,
    );
  });

  it('signs a browser in with a database read token, and revoking the token signs it out', async () => {
    const read = create(dataDir, 'read');
    const page = await fetch(`${hub.url}/`, { redirect: 'manual' });
    assert.equal(page.status, 401);
    assert.match(await page.text(), /name="token"/);
    const wrong = await fetch(`${hub.url}/-/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'chb_wrong', next: '/' }).toString(),
      redirect: 'manual',
    });
    assert.equal(wrong.status, 401);
    const login = await fetch(`${hub.url}/-/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: read.token, next: '/-/jobs' }).toString(),
      redirect: 'manual',
    });
    assert.equal(login.status, 303);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    assert.match(cookie, /^codehub_session=t\.[0-9a-f]{12}\./);
    assert.ok(!cookie.includes(read.token), 'the cookie does not hold the token');
    assert.equal((await fetch(`${hub.url}/-/jobs`, { headers: { Cookie: cookie } })).status, 200);
    const forged = cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    assert.equal((await fetch(`${hub.url}/api/v1/repos`, { headers: { Cookie: forged } })).status, 401);
    assert.equal(runCli(['token', 'revoke', read.id, '--data', dataDir]).code, 0);
    assert.equal((await fetch(`${hub.url}/api/v1/repos`, { headers: { Cookie: cookie } })).status, 401);
  });
});
