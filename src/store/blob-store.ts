/**
 * The blob store port: content-addressed bytes keyed by sha256 (lowercase hex) of the raw bytes. Shaped for the
 * slowest adapter (an object store across a network): questions about many blobs take a set, not one name per call,
 * and nothing here names a file, a folder or a bucket, so nothing above src/store knows which store runs.
 */
export interface BlobStore {
  /** Where the blobs live, for messages: a folder path or `s3://bucket/prefix`. */
  readonly location: string;
  /**
   * Stores bytes unless an object of that name is already there (idempotent; safe under concurrent writers; a write
   * that fails leaves nothing under the name). `created` says whether this call wrote them. `sha256`, when the
   * caller already hashed the bytes, spares hashing them again.
   */
  put(bytes: Uint8Array, sha256?: string): Promise<{ sha256: string; created: boolean }>;
  /** Stores bytes under their sha256 even if a (possibly damaged) object is there: how `verify --repair` restores one. */
  replace(bytes: Uint8Array): Promise<string>;
  has(sha256: string): Promise<boolean>;
  /** The subset of `shas` that are stored (one call for a whole set). */
  hasMany(shas: readonly string[]): Promise<Set<string>>;
  /**
   * Reads the stored bytes and checks them on every call: decompressed content must hash to `sha256`, or (for a blob
   * this process already verified) the stored object must hash to the one that verified. Throws CodehubError
   * 'BlobHashMismatch' or 'BlobMissing'.
   */
  readVerified(sha256: string): Promise<Buffer>;
  /** Every stored blob with its stored (compressed) size. */
  list(): AsyncIterable<StoredBlob>;
  /** Deletes the named blobs (absent ones are no error). */
  deleteMany(shas: readonly string[]): Promise<void>;
  /** Removes what killed writers left behind (temp files); call only when no writer runs. Returns how many. */
  removeLeftovers(): Promise<number>;
  /** Releases connections; the store is not used after. */
  close(): void;
}

export interface StoredBlob {
  sha256: string;
  /** Bytes the blob takes in the store (compressed). */
  storedBytes: number;
}

/** A blob store's name: lowercase hex sha256. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;
