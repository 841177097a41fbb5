/**
 * File-system adapter of the BlobStore port. Layout: `<root>/ab/<sha256>` (256 shards, like git's loose objects) holding brotli (q5)
 * compressed bytes. Writes go to `<root>/tmp/` then rename into place, so a crash never leaves a
 * partial object under its final name, and concurrent writers of one blob both end with the same file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  brotliCompress,
  brotliDecompress,
  brotliDecompressSync,
  constants as zlibConstants,
} from 'node:zlib';
import { CodehubError } from '../core/errors.js';
import { Lru } from '../core/lru.js';
import type { BlobStore } from './blob-store.js';

const compress = promisify(brotliCompress);
const decompress = promisify(brotliDecompress);
const SHA256 = /^[0-9a-f]{64}$/;
/**
 * Stored (compressed) size up to which a read decompresses on the calling thread: a source file of this size
 * takes well under a millisecond, less than the thread-pool round trips of the asynchronous calls; larger
 * blobs go to the pool so one big file does not stall every other request.
 */
const SYNC_READ_MAX_BYTES = 64 * 1024;
/** Bound of the blobs this process has verified in full and keeps decompressed (bytes of content). */
const VERIFIED_CACHE_BYTES = 64 * 1024 * 1024;

/** sha256 of bytes as lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class FsBlobStore implements BlobStore {
  private readonly tmpDir: string;
  private readonly madeDirs = new Set<string>();
  /**
   * Blobs this process decompressed and found to hash to their name: the sha256 of the stored (compressed) file
   * they came from, and their content. A later read re-hashes the stored file; only when it is byte for byte the
   * file that verified is the kept content returned (so no decompression); any other stored bytes (a flipped bit,
   * a truncated or replaced file) take the full decompress-and-hash check, which reports the mismatch.
   */
  private readonly verified = new Lru<string, { packedSha256: string; bytes: Buffer }>(VERIFIED_CACHE_BYTES);

  constructor(readonly root: string) {
    this.tmpDir = join(root, 'tmp');
  }

  /** Path of a blob's final file. */
  pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  async put(bytes: Uint8Array): Promise<string> {
    return (await this.store(bytes)).sha256;
  }

  /** Stores bytes unless present; `created` says whether this call wrote them. `sha256` skips re-hashing. */
  async store(bytes: Uint8Array, sha256?: string): Promise<{ sha256: string; created: boolean }> {
    const sha = sha256 ?? sha256Hex(bytes);
    // Metadata calls are synchronous on purpose: they take microseconds, a thread-pool hop costs more.
    if (existsSync(this.pathOf(sha))) return { sha256: sha, created: false };
    await this.write(sha, bytes);
    return { sha256: sha, created: true };
  }

  /** Stores bytes under their sha256 even if a (possibly corrupt) object is already there. */
  async overwrite(bytes: Uint8Array): Promise<string> {
    const sha = sha256Hex(bytes);
    await this.write(sha, bytes);
    return sha;
  }

  async has(sha256: string): Promise<boolean> {
    return SHA256.test(sha256) && existsSync(this.pathOf(sha256));
  }

  async readVerified(sha256: string): Promise<Buffer> {
    if (!SHA256.test(sha256)) throw new CodehubError('BlobMissing', `'${sha256}' is not a sha256`);
    let packed: Buffer;
    try {
      // One read syscall on a small file beats open/stat/read/close through the thread pool.
      packed = readFileSync(this.pathOf(sha256));
    } catch {
      throw new CodehubError(
        'BlobMissing',
        `blob ${sha256} is missing from the store (run 'codehub verify --repair')`,
      );
    }
    const packedSha256 = sha256Hex(packed);
    const known = this.verified.get(sha256);
    if (known && known.packedSha256 === packedSha256) return Buffer.from(known.bytes);
    let bytes: Buffer;
    try {
      bytes = packed.length <= SYNC_READ_MAX_BYTES ? brotliDecompressSync(packed) : await decompress(packed);
    } catch {
      throw mismatch(sha256, 'it does not decompress');
    }
    const actual = sha256Hex(bytes);
    if (actual !== sha256) {
      this.verified.delete(sha256);
      throw mismatch(sha256, `its content hashes to ${actual}`);
    }
    this.verified.set(sha256, { packedSha256, bytes: Buffer.from(bytes) }, bytes.length);
    return bytes;
  }

  async *list(): AsyncIterable<string> {
    for (const a of await safeReaddir(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(a)) continue;
      for (const name of await safeReaddir(join(this.root, a))) {
        if (SHA256.test(name)) yield name;
      }
    }
  }

  async delete(sha256: string): Promise<void> {
    if (!SHA256.test(sha256)) return;
    await rm(this.pathOf(sha256), { force: true });
  }

  /** Size on disk of a stored blob (compressed), or 0. */
  async storedSize(sha256: string): Promise<number> {
    try {
      return (await stat(this.pathOf(sha256))).size;
    } catch {
      return 0;
    }
  }

  /** Removes temp files left by writers that were killed (call only when no writer runs). */
  async removeTempFiles(): Promise<number> {
    const names = await safeReaddir(this.tmpDir);
    await Promise.all(names.map((n) => rm(join(this.tmpDir, n), { force: true })));
    return names.length;
  }

  private async write(sha: string, bytes: Uint8Array): Promise<void> {
    const packed = await compress(bytes, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: 5,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        // A window no larger than the input: same output, far less setup for small files.
        [zlibConstants.BROTLI_PARAM_LGWIN]: Math.max(
          16,
          Math.min(22, Math.ceil(Math.log2(bytes.length + 1))),
        ),
      },
    });
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

function mismatch(sha256: string, why: string): CodehubError {
  return new CodehubError(
    'BlobHashMismatch',
    `blob ${sha256} failed verification: ${why} (run 'codehub verify --repair')`,
  );
}

async function safeReaddir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
