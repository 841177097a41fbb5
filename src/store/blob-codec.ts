/**
 * What every blob store adapter stores and checks the same way: brotli (q5) compressed bytes named by the sha256 of
 * the raw bytes, re-hashed on every read.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import {
  brotliCompress,
  brotliDecompress,
  brotliDecompressSync,
  constants as zlibConstants,
} from 'node:zlib';
import { CodehubError } from '../core/errors.js';
import { Lru } from '../core/lru.js';

const compress = promisify(brotliCompress);
const decompress = promisify(brotliDecompress);
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

/** The stored form of a blob's bytes (brotli q5). */
export function packBlob(bytes: Uint8Array): Promise<Buffer> {
  return compress(bytes, {
    params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: 5,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      // A window no larger than the input: same output, far less setup for small files.
      [zlibConstants.BROTLI_PARAM_LGWIN]: Math.max(16, Math.min(22, Math.ceil(Math.log2(bytes.length + 1)))),
    },
  });
}

/** The error every adapter throws for a blob it does not have. */
export function blobMissing(sha256: string, where: string): CodehubError {
  return new CodehubError(
    'BlobMissing',
    `blob ${sha256} is missing from ${where} (run 'codehub verify --repair')`,
  );
}

function mismatch(sha256: string, why: string): CodehubError {
  return new CodehubError(
    'BlobHashMismatch',
    `blob ${sha256} failed verification: ${why} (run 'codehub verify --repair')`,
  );
}

/**
 * Turns stored bytes back into content, refusing any that do not hash to their name. Keeps the blobs it verified in
 * full: the sha256 of the stored (compressed) object they came from, and their content. A later read re-hashes the
 * stored object; only when it is byte for byte the one that verified is the kept content returned (so no
 * decompression); any other stored bytes (a flipped bit, a truncated or replaced object) take the full
 * decompress-and-hash check, which reports the mismatch.
 */
export class BlobVerifier {
  private readonly verified = new Lru<string, { packedSha256: string; bytes: Buffer }>(VERIFIED_CACHE_BYTES);

  /** Content of a stored object named `sha256`; throws BlobHashMismatch. */
  async unpack(sha256: string, packed: Buffer): Promise<Buffer> {
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
}
