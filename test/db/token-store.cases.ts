/** The token-store conformance suite: the same cases on every storage adapter (tokens live in its database). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Storage } from '../../src/db/storage.js';
import {
  openTokenStore,
  parseDuration,
  tokenSha256,
  TOKEN_PREFIX,
  type TokenStore,
} from '../../src/db/token-store.js';

export function tokenStoreConformance(
  name: string,
  open: () => Promise<{
    storage: Storage;
    rawTokenColumns: () => Promise<string[]>;
    cleanup: () => Promise<void>;
  }>,
): void {
  describe(`token store conformance: ${name}`, () => {
    let opened: Awaited<ReturnType<typeof open>>;
    let tokens: TokenStore;
    before(async () => {
      opened = await open();
      tokens = openTokenStore(opened.storage);
    });
    after(() => opened.cleanup());

    it('creates a token shown once and stores only its sha256', async () => {
      const { token, record } = await tokens.create({ scope: 'admin', name: 'ci', expiresAt: null });
      assert.ok(token.startsWith(TOKEN_PREFIX) && token.length >= 36);
      assert.deepEqual(
        [record.scope, record.name, record.expiresAt, record.revokedAt],
        ['admin', 'ci', null, null],
      );
      const stored = await opened.rawTokenColumns();
      assert.ok(stored.includes(tokenSha256(token)));
      assert.ok(!stored.some((v) => v.includes(token)), 'the token itself is nowhere in the table');
      const check = await tokens.check(token);
      assert.equal(check.status, 'valid');
      assert.equal(check.status === 'valid' && check.token.id, record.id);
      assert.ok((await tokens.list()).some((t) => t.id === record.id && t.scope === 'admin'));
    });

    it('tells an unknown, an expired and a revoked token apart', async () => {
      assert.equal((await tokens.check(`${TOKEN_PREFIX}nope`)).status, 'unknown');
      const expired = await tokens.create({ scope: 'read', name: null, expiresAt: Date.now() - 1000 });
      assert.equal((await tokens.check(expired.token)).status, 'expired');
      const soon = await tokens.create({ scope: 'read', name: null, expiresAt: Date.now() + 60_000 });
      assert.equal((await tokens.check(soon.token)).status, 'valid');
      assert.equal(await tokens.revoke(soon.record.id), true);
      assert.equal((await tokens.check(soon.token)).status, 'revoked');
      assert.equal(await tokens.revoke(soon.record.id), true, 'revoking twice is fine');
      assert.equal(await tokens.revoke('000000000000'), false);
      const listed = (await tokens.list()).find((t) => t.id === soon.record.id);
      assert.ok(listed?.revokedAt);
    });

    it('reads durations as the CLI takes them', () => {
      assert.equal(parseDuration('30d'), 30 * 86400_000);
      assert.equal(parseDuration('90'), 90_000);
      assert.equal(parseDuration('2w'), 14 * 86400_000);
      for (const bad of ['', '0', '-1d', '1y', '1.5h', 'soon']) assert.equal(parseDuration(bad), null, bad);
    });
  });
}
