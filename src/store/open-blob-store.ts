/** Picks the blob store adapter a location names: `s3://bucket/prefix` (S3-compatible) or a folder path. */
import { resolve } from 'node:path';
import { CodehubError } from '../core/errors.js';
import type { BlobStore } from './blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';
import { parseS3Url, S3BlobStore, s3SettingsFromEnv } from './s3-blob-store.js';

/** Opens the store at `location`; throws InvalidInput for a malformed one. Nothing is contacted until first use. */
export function openBlobStore(location: string, env: NodeJS.ProcessEnv = process.env): BlobStore {
  if (location.startsWith('s3://')) return new S3BlobStore(parseS3Url(location), s3SettingsFromEnv(env));
  // Anything else with a scheme (s3:/x, S3://x, https://…) is a typo, not a folder to create.
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]+):/.exec(location);
  if (scheme)
    throw new CodehubError(
      'InvalidInput',
      `blob store '${location}': '${scheme[1]}:' is not supported; use s3://bucket/prefix or a folder path`,
    );
  if (location === '') throw new CodehubError('InvalidInput', 'the blob store location is empty');
  return new FsBlobStore(resolve(location));
}
