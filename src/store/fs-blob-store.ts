/**
 * File-system adapter of the BlobStore port. Layout: `<root>/ab/<sha256>` (256 shards, like git's loose objects) holding brotli (q5)
 * compressed bytes. Writes go to `<root>/tmp/` then rename into place, so a crash never leaves a
 * partial object under its final name, and concurrent writers of one blob both end with the same file.
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CodehubError } from '../core/errors.js';
import { BlobVerifier, blobMissing, packBlob, sha256Hex } from './blob-codec.js';
import { SHA256_HEX, type BlobStore, type StoredBlob } from './blob-store.js';

export class FsBlobStore implements BlobStore {
  private readonly tmpDir: string;
  private readonly madeDirs = new Set<string>();
  private readonly verifier = new BlobVerifier();

  constructor(readonly root: string) {
    this.tmpDir = join(root, 'tmp');
  }

  get location(): string {
    return this.root;
  }

  /** Path of a blob's final file (for tests and tools that work on the folder itself). */
  pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  async put(bytes: Uint8Array, sha256?: string): Promise<{ sha256: string; created: boolean }> {
    const sha = sha256 ?? sha256Hex(bytes);
    // Metadata calls are synchronous on purpose: they take microseconds, a thread-pool hop costs more.
    if (existsSync(this.pathOf(sha))) return { sha256: sha, created: false };
    await this.write(sha, bytes);
    return { sha256: sha, created: true };
  }

  async replace(bytes: Uint8Array): Promise<string> {
    const sha = sha256Hex(bytes);
    await this.write(sha, bytes);
    return sha;
  }

  async has(sha256: string): Promise<boolean> {
    return SHA256_HEX.test(sha256) && existsSync(this.pathOf(sha256));
  }

  async hasMany(shas: readonly string[]): Promise<Set<string>> {
    // One synchronous stat per blob: a promise per blob cost more than the stat on a 2,000-file no-op re-index.
    const present = new Set<string>();
    for (const sha of shas) if (SHA256_HEX.test(sha) && existsSync(this.pathOf(sha))) present.add(sha);
    return present;
  }

  async readVerified(sha256: string): Promise<Buffer> {
    if (!SHA256_HEX.test(sha256)) throw new CodehubError('BlobMissing', `'${sha256}' is not a sha256`);
    let packed: Buffer;
    try {
      // One read syscall on a small file beats open/stat/read/close through the thread pool.
      packed = readFileSync(this.pathOf(sha256));
    } catch {
      throw blobMissing(sha256, 'the store');
    }
    return this.verifier.unpack(sha256, packed);
  }

  async *list(): AsyncIterable<StoredBlob> {
    for (const a of await safeReaddir(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(a)) continue;
      for (const name of await safeReaddir(join(this.root, a))) {
        if (!SHA256_HEX.test(name)) continue;
        let storedBytes: number;
        try {
          storedBytes = statSync(join(this.root, a, name)).size;
        } catch {
          continue; // deleted since the folder was read
        }
        yield { sha256: name, storedBytes };
      }
    }
  }

  async deleteMany(shas: readonly string[]): Promise<void> {
    for (const sha of shas) if (SHA256_HEX.test(sha)) await rm(this.pathOf(sha), { force: true });
  }

  async removeLeftovers(): Promise<number> {
    const names = await safeReaddir(this.tmpDir);
    await Promise.all(names.map((n) => rm(join(this.tmpDir, n), { force: true })));
    return names.length;
  }

  close(): void {
    // Nothing held open between calls.
  }

  private async write(sha: string, bytes: Uint8Array): Promise<void> {
    const packed = await packBlob(bytes);
    const dir = join(this.root, sha.slice(0, 2));
    const tmp = join(this.tmpDir, `${sha}.${process.pid}.${randomBytes(6).toString('hex')}`);
    try {
      this.ensureDir(this.tmpDir);
      this.ensureDir(dir);
      writeFileSync(tmp, packed, { flag: 'wx' });
      renameSync(tmp, join(dir, sha));
    } catch (err) {
      try {
        unlinkSync(tmp);
      } catch {
        // never created
      }
      throw new CodehubError(
        'DataDirNotWritable',
        `cannot write blob into ${this.root}: ${(err as Error).message}`,
      );
    }
  }

  private ensureDir(dir: string): void {
    if (this.madeDirs.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.madeDirs.add(dir);
  }
}

async function safeReaddir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
