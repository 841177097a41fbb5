/** The blob store port: content-addressed bytes keyed by sha256 (lowercase hex) of the raw bytes. */
export interface BlobStore {
  /** Stores bytes (idempotent; safe under concurrent writers) and returns their sha256. */
  put(bytes: Uint8Array): Promise<string>;
  has(sha256: string): Promise<boolean>;
  /**
   * Reads the stored bytes and checks them on every call: decompressed content must hash to `sha256`, or (for a blob
   * this process already verified) the stored file must hash to the one that verified. Throws CodehubError
   * 'BlobHashMismatch' or 'BlobMissing'.
   */
  readVerified(sha256: string): Promise<Buffer>;
  /** Every stored sha256. */
  list(): AsyncIterable<string>;
  delete(sha256: string): Promise<void>;
}
