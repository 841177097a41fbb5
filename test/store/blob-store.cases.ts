/**
 * The blob store conformance suite: the same cases and the same expected answers for every adapter of the BlobStore
 * port. Each adapter's test file is one call to `runBlobStoreCases` with a harness that opens fresh stores and
 * reaches under the port to damage stored objects (as a failing disk or a careless `aws s3 cp` would).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import { isCodehubError } from '../../src/core/errors.js';
import { sha256Hex } from '../../src/store/blob-codec.js';
import type { BlobStore } from '../../src/store/blob-store.js';

export interface BlobStoreHarness {
  /** A new, empty store; `open(sameAs)` opens a second handle on the same store (another process's view). */
  open(sameAs?: BlobStore): Promise<BlobStore>;
  /** The stored object's raw bytes, or null when there is none. */
  rawRead(store: BlobStore, sha256: string): Promise<Buffer | null>;
  /** Puts raw bytes where the store keeps the object named sha256. */
  rawWrite(store: BlobStore, sha256: string, bytes: Buffer): Promise<void>;
  rawDelete(store: BlobStore, sha256: string): Promise<void>;
  /** Called once when the suite ends. */
  dispose?(): Promise<void>;
}

export interface SkippedCases {
  reason: string;
  tests: string[];
}

async function collect(store: BlobStore): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for await (const b of store.list()) out.set(b.sha256, b.storedBytes);
  return out;
}

const isMismatch = (e: unknown): boolean => isCodehubError(e, 'BlobHashMismatch');
const isMissing = (e: unknown): boolean => isCodehubError(e, 'BlobMissing');

/** Runs every case against one adapter. */
export function runBlobStoreCases(name: string, h: BlobStoreHarness, skip: SkippedCases[] = []): void {
  const skipped = new Map(skip.flatMap((s) => s.tests.map((t) => [t, s.reason] as const)));
  const stores: BlobStore[] = [];
  const open = async (sameAs?: BlobStore): Promise<BlobStore> => {
    const s = await h.open(sameAs);
    stores.push(s);
    return s;
  };
  const test = (title: string, body: () => Promise<void>): void => {
    const reason = skipped.get(title);
    if (reason !== undefined) it(title, { skip: reason }, body);
    else it(title, body);
  };

  describe(`blob store conformance: ${name}`, () => {
    after(async () => {
      for (const s of stores) s.close();
      await h.dispose?.();
    });

    test('stores bytes under their sha256 and reads back exactly those bytes', async () => {
      const store = await open();
      const samples = [
        Buffer.from('export const a = 1;\n'),
        Buffer.alloc(0),
        Buffer.from([0, 1, 2, 0xff, 0xfe, 0]),
        randomBytes(300 * 1024), // incompressible and above the in-thread decompression size
      ];
      for (const bytes of samples) {
        const put = await store.put(bytes);
        assert.equal(put.sha256, sha256Hex(bytes));
        assert.equal(put.created, true);
        assert.equal(await store.has(put.sha256), true);
        assert.deepEqual(await store.readVerified(put.sha256), bytes);
      }
    });

    test('keeps each object brotli-compressed, as every adapter stores them', async () => {
      const store = await open();
      const bytes = Buffer.from('the same line again\n'.repeat(500));
      const { sha256 } = await store.put(bytes);
      const raw = await h.rawRead(store, sha256);
      assert.ok(raw !== null && raw.length < bytes.length / 10, 'stored compressed');
      assert.deepEqual(brotliDecompressSync(raw), bytes);
    });

    test('a second put of the same bytes writes nothing and says so', async () => {
      const store = await open();
      const bytes = Buffer.from('once\n');
      assert.equal((await store.put(bytes)).created, true);
      assert.equal((await store.put(bytes)).created, false);
      assert.equal((await store.put(bytes, sha256Hex(bytes))).created, false);
      assert.deepEqual([...(await collect(store)).keys()], [sha256Hex(bytes)]);
    });

    test('concurrent writers of one blob end with one object that verifies', async () => {
      const a = await open();
      const b = await open(a);
      const bytes = Buffer.from('same bytes\n'.repeat(1000));
      const results = await Promise.all([
        a.put(bytes),
        b.put(bytes),
        a.put(bytes),
        b.put(Buffer.from(bytes)),
      ]);
      assert.deepEqual(new Set(results.map((r) => r.sha256)), new Set([sha256Hex(bytes)]));
      assert.ok(results.some((r) => r.created));
      assert.deepEqual([...(await collect(a)).keys()], [sha256Hex(bytes)]);
      assert.deepEqual(await b.readVerified(sha256Hex(bytes)), bytes);
    });

    test('hasMany answers which of a set of names are stored, ignoring malformed ones', async () => {
      const store = await open();
      const stored = await Promise.all(
        ['a', 'b', 'c'].map(async (t) => (await store.put(Buffer.from(t))).sha256),
      );
      const absent = sha256Hex(Buffer.from('never stored'));
      assert.deepEqual(
        await store.hasMany([stored[0]!, absent, stored[2]!, 'not-a-sha', stored[0]!]),
        new Set([stored[0], stored[2]]),
      );
      assert.deepEqual(await store.hasMany([]), new Set());
      assert.equal(await store.has(absent), false);
      assert.equal(await store.has('../../etc/passwd'), false);
    });

    test('hasMany over thousands of names finds the stored ones among them', async () => {
      const store = await open();
      const stored = await Promise.all(['x', 'y'].map(async (t) => (await store.put(Buffer.from(t))).sha256));
      const names = Array.from({ length: 2500 }, (_, i) => sha256Hex(Buffer.from(`absent ${i}`)));
      names.splice(700, 0, stored[0]!);
      names.push(stored[1]!);
      assert.deepEqual(await store.hasMany(names), new Set(stored));
    });

    test('refuses an object with one flipped byte as BlobHashMismatch', async () => {
      const store = await open();
      const bytes = Buffer.from('export function f() { return 42; }\n'.repeat(20));
      const { sha256 } = await store.put(bytes);
      // Read once first: a blob this process already verified must still be re-checked.
      assert.deepEqual(await store.readVerified(sha256), bytes);
      const raw = (await h.rawRead(store, sha256))!;
      const at = raw.length >> 1;
      raw[at] = raw[at]! ^ 0x01;
      await h.rawWrite(store, sha256, raw);
      await assert.rejects(store.readVerified(sha256), isMismatch);
      await assert.rejects((await open(store)).readVerified(sha256), isMismatch);
    });

    test('refuses a truncated object as BlobHashMismatch', async () => {
      const store = await open();
      const { sha256 } = await store.put(Buffer.from('some content to cut short\n'.repeat(40)));
      const raw = (await h.rawRead(store, sha256))!;
      await h.rawWrite(store, sha256, raw.subarray(0, raw.length >> 1));
      await assert.rejects(store.readVerified(sha256), isMismatch);
      await h.rawWrite(store, sha256, Buffer.alloc(0));
      await assert.rejects(store.readVerified(sha256), isMismatch);
    });

    test('refuses another blob stored under this name, though it decompresses cleanly', async () => {
      const store = await open();
      const { sha256 } = await store.put(Buffer.from('original'));
      await h.rawWrite(store, sha256, brotliCompressSync(Buffer.from('tampered')));
      await assert.rejects(store.readVerified(sha256), (e) => isMismatch(e) && /hashes to/.test(String(e)));
    });

    test('reports an absent object, or a name that is not a sha256, as BlobMissing', async () => {
      const store = await open();
      const { sha256 } = await store.put(Buffer.from('here, then gone'));
      await h.rawDelete(store, sha256);
      await assert.rejects(store.readVerified(sha256), isMissing);
      assert.equal(await store.has(sha256), false);
      await assert.rejects(store.readVerified('0'.repeat(64)), isMissing);
      await assert.rejects(store.readVerified('../x'), isMissing);
    });

    test('replace writes over a damaged object so it verifies again', async () => {
      const store = await open();
      const bytes = Buffer.from('restore me\n');
      const { sha256 } = await store.put(bytes);
      await h.rawWrite(store, sha256, Buffer.from('garbage'));
      await assert.rejects(store.readVerified(sha256), isMismatch);
      // put leaves an existing object alone; replace is how repair restores one.
      assert.equal((await store.put(bytes)).created, false);
      assert.equal(await store.replace(bytes), sha256);
      assert.deepEqual(await store.readVerified(sha256), bytes);
    });

    test('lists every stored blob once, with its stored size', async () => {
      const store = await open();
      assert.equal((await collect(store)).size, 0);
      const shas = await Promise.all(
        Array.from({ length: 30 }, async (_, i) => (await store.put(Buffer.from(`blob ${i}\n`))).sha256),
      );
      const listed = await collect(store);
      assert.deepEqual([...listed.keys()].sort(), [...shas].sort());
      for (const sha of shas) assert.equal(listed.get(sha), (await h.rawRead(store, sha))!.length);
    });

    test('lists and deletes past one page of an object store listing (over 1,000 blobs)', async () => {
      const store = await open();
      const shas = await Promise.all(
        Array.from({ length: 1100 }, async (_, i) => (await store.put(Buffer.from(`page ${i}\n`))).sha256),
      );
      assert.deepEqual([...(await collect(store)).keys()].sort(), [...shas].sort());
      await store.deleteMany(shas.slice(0, 1050));
      assert.deepEqual([...(await collect(store)).keys()].sort(), shas.slice(1050).sort());
    });

    test('deleteMany removes the named blobs and leaves the others', async () => {
      const store = await open();
      const [keep, drop1, drop2] = await Promise.all(
        ['keep', 'drop 1', 'drop 2'].map(async (t) => (await store.put(Buffer.from(t))).sha256),
      );
      await store.deleteMany([drop1!, drop2!, sha256Hex(Buffer.from('absent')), 'not-a-sha']);
      assert.deepEqual([...(await collect(store)).keys()], [keep]);
      assert.deepEqual(await store.hasMany([keep!, drop1!, drop2!]), new Set([keep]));
      await store.deleteMany([]);
      assert.equal(typeof (await store.removeLeftovers()), 'number');
    });
  });
}
