/**
 * The facts cache's byte format: a file's facts as JSON, brotli-packed. Analysis threads pack what they produce, so the
 * indexer's main thread only stores the bytes.
 */
import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants } from 'node:zlib';
import type { FileFacts } from '../core/facts.js';

/** Packs facts already serialised as JSON (brotli quality 1: 2.4× faster than 4 on effect's facts, 20 % larger). */
export function packFactsJson(json: string): Buffer {
  return brotliCompressSync(Buffer.from(json), { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 1 } });
}

/** Packs a file's facts for the cache. */
export function packFacts(facts: FileFacts): Buffer {
  return packFactsJson(JSON.stringify(facts));
}

/** Reads packed facts back; throws on damaged bytes. */
export function unpackFacts(packed: Uint8Array): FileFacts {
  return JSON.parse(brotliDecompressSync(packed).toString('utf8')) as FileFacts;
}
