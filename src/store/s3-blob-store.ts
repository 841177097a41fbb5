/**
 * S3-compatible adapter of the BlobStore port. Layout: `<prefix>/ab/<sha256>` holding the same brotli (q5) bytes as
 * the folder store (a copy of a `blobs/` folder under the prefix is a valid store). A PutObject is atomic (an object
 * appears whole or not at all) and carries Content-MD5, so a body damaged or cut in transit is refused rather than
 * stored; every read is re-hashed all the same. Requests the server fails (5xx, throttling, timeouts, dropped
 * connections) are retried with exponential backoff by the SDK's standard retry strategy, then reported as
 * BlobStoreUnavailable with what to do.
 */
import { createHash } from 'node:crypto';
import type * as S3Sdk from '@aws-sdk/client-s3';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { CodehubError } from '../core/errors.js';
import { BlobVerifier, blobMissing, packBlob, sha256Hex } from './blob-codec.js';
import { SHA256_HEX, type BlobStore, type StoredBlob } from './blob-store.js';

export interface S3Location {
  bucket: string;
  /** Key prefix without a trailing slash ('' for the bucket's root). */
  prefix: string;
}

export interface S3Settings {
  /** A custom endpoint (MinIO, s3rver, …); path-style addressing is then used. */
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Attempts per request, the first included (default: AWS_MAX_ATTEMPTS, else 4). */
  maxAttempts?: number;
  /** Milliseconds a request may take before it is abandoned and retried (default 30 s). */
  requestTimeoutMs?: number;
  /** Milliseconds to open a connection (default 5 s). */
  connectTimeoutMs?: number;
}

/** Requests in flight at once per store (below the SDK's 50 sockets, so none queue there). */
const MAX_IN_FLIGHT = 32;
/**
 * Up to this many names, `hasMany` asks per object (HEAD); above, it lists the shards (`<prefix>/ab/`) they live in:
 * at most 256 listings, a page per 1,000 objects. On s3rver, 2,001 names took 4.8 s by HEAD.
 */
const HEAD_MAX = 256;
const DEFAULT_MAX_ATTEMPTS = 4;

/** Parses `s3://bucket[/prefix]`; throws InvalidInput saying what is wrong. */
export function parseS3Url(url: string): S3Location {
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(url);
  if (!m) throw new CodehubError('InvalidInput', `'${url}' is not an s3://bucket/prefix URL`);
  const bucket = m[1]!;
  // S3's bucket naming rules (3–63 of lowercase letters, digits, dots and hyphens; a letter or digit at each end).
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    throw new CodehubError(
      'InvalidInput',
      `'${url}' does not name a valid bucket (3-63 lowercase letters, digits, '.' or '-'): use s3://bucket/prefix`,
    );
  const prefix = (m[2] ?? '').replace(/\/+$/, '');
  if (prefix.split('/').some((s) => s === '' || s === '.' || s === '..') && prefix !== '')
    throw new CodehubError('InvalidInput', `'${url}' has an empty, '.' or '..' segment in its prefix`);
  return { bucket, prefix };
}

/** Endpoint, region and credentials from the standard AWS environment variables. */
export function s3SettingsFromEnv(env: NodeJS.ProcessEnv = process.env): S3Settings {
  const settings: S3Settings = {};
  const endpoint = nonEmpty(env.AWS_ENDPOINT_URL_S3) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  if (endpoint !== undefined) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(endpoint);
    } catch {
      // reported below
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
      throw new CodehubError(
        'InvalidInput',
        `the S3 endpoint '${endpoint}' (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL) is not an http(s) URL`,
      );
    settings.endpoint = endpoint;
  }
  const region = nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  // S3-compatible servers mostly ignore the region, but the request signature needs one.
  if (region !== undefined) settings.region = region;
  else if (endpoint !== undefined) settings.region = 'us-east-1';
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
    settings.credentials = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  }
  const attempts = nonEmpty(env.AWS_MAX_ATTEMPTS);
  if (attempts !== undefined) {
    const n = Number(attempts);
    if (!Number.isInteger(n) || n < 1)
      throw new CodehubError(
        'InvalidInput',
        `AWS_MAX_ATTEMPTS must be a whole number ≥ 1, got '${attempts}'`,
      );
    settings.maxAttempts = n;
  }
  return settings;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

type Sdk = typeof S3Sdk;

export class S3BlobStore implements BlobStore {
  readonly location: string;
  private readonly verifier = new BlobVerifier();
  private connection: Promise<{ sdk: Sdk; client: S3Client }> | null = null;
  private closed = false;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly where: S3Location,
    private readonly settings: S3Settings,
  ) {
    this.location = `s3://${where.bucket}${where.prefix ? `/${where.prefix}` : ''}`;
  }

  /** Object key of a blob. */
  keyOf(sha256: string): string {
    return `${this.where.prefix ? `${this.where.prefix}/` : ''}${sha256.slice(0, 2)}/${sha256}`;
  }

  async put(bytes: Uint8Array, sha256?: string): Promise<{ sha256: string; created: boolean }> {
    const sha = sha256 ?? sha256Hex(bytes);
    const packed = await packBlob(bytes);
    // An object of another length is not this blob: some S3-compatible servers (s3rver among them) keep the part of
    // a PUT whose client died mid-body at the final key, ignoring Content-Length and Content-MD5. Writing it again
    // replaces that remnant instead of trusting it forever.
    const size = await this.storedLength(sha);
    if (size === packed.length) return { sha256: sha, created: false };
    await this.writePacked(sha, packed);
    return { sha256: sha, created: size === null };
  }

  async replace(bytes: Uint8Array): Promise<string> {
    const sha = sha256Hex(bytes);
    await this.write(sha, bytes);
    return sha;
  }

  /** Length of the stored object, or null when there is none. */
  private async storedLength(sha256: string): Promise<number | null> {
    return this.request(`HEAD ${this.keyOf(sha256)}`, async ({ sdk, client }) => {
      try {
        const out = await client.send(
          new sdk.HeadObjectCommand({ Bucket: this.where.bucket, Key: this.keyOf(sha256) }),
        );
        return out.ContentLength ?? -1;
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    });
  }

  async has(sha256: string): Promise<boolean> {
    if (!SHA256_HEX.test(sha256)) return false;
    return this.request(`HEAD ${this.keyOf(sha256)}`, async ({ sdk, client }) => {
      try {
        await client.send(new sdk.HeadObjectCommand({ Bucket: this.where.bucket, Key: this.keyOf(sha256) }));
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    });
  }

  async hasMany(shas: readonly string[]): Promise<Set<string>> {
    const wanted = [...new Set(shas.filter((s) => SHA256_HEX.test(s)))];
    const present = new Set<string>();
    if (wanted.length <= HEAD_MAX) {
      await Promise.all(wanted.map(async (s) => (await this.has(s)) && present.add(s)));
      return present;
    }
    const want = new Set(wanted);
    const shards = [...new Set(wanted.map((s) => s.slice(0, 2)))].sort();
    // Shards are listed side by side (request() bounds how many at once); each one's pages in order.
    await Promise.all(
      shards.map(async (shard) => {
        for await (const blob of this.listUnder(
          `${this.where.prefix ? `${this.where.prefix}/` : ''}${shard}/`,
        )) {
          if (want.has(blob.sha256)) present.add(blob.sha256);
        }
      }),
    );
    return present;
  }

  async readVerified(sha256: string): Promise<Buffer> {
    if (!SHA256_HEX.test(sha256)) throw new CodehubError('BlobMissing', `'${sha256}' is not a sha256`);
    const key = this.keyOf(sha256);
    const attempts = this.settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      try {
        const packed = await this.request(`GET ${key}`, async ({ sdk, client }) => {
          let out: S3Sdk.GetObjectCommandOutput;
          try {
            out = await client.send(new sdk.GetObjectCommand({ Bucket: this.where.bucket, Key: key }));
          } catch (err) {
            if (isNotFound(err)) return null;
            throw err;
          }
          return readBody(out);
        });
        if (packed === null) throw blobMissing(sha256, this.location);
        return await this.verifier.unpack(sha256, packed);
      } catch (err) {
        // The SDK retries a request that fails; an answer cut short after its headers is retried here, and never
        // reaches the hash check, where it would pass for a damaged object.
        if (!(err instanceof AnswerCutShort)) throw err;
        if (attempt >= attempts)
          throw new CodehubError(
            'BlobStoreUnavailable',
            `S3 at ${this.settings.endpoint ?? 'AWS S3'} cut its answer to GET ${key} short (${err.message}) after ${attempts} attempts; check the network and try again`,
          );
        await new Promise((r) => setTimeout(r, Math.random() * 100 * 2 ** attempt));
      }
    }
  }

  list(): AsyncIterable<StoredBlob> {
    return this.listUnder(this.where.prefix ? `${this.where.prefix}/` : '');
  }

  async deleteMany(shas: readonly string[]): Promise<void> {
    const keys = shas.filter((s) => SHA256_HEX.test(s)).map((s) => ({ Key: this.keyOf(s) }));
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const out = await this.request(`DELETE ${batch.length} objects`, ({ sdk, client }) =>
        client.send(
          new sdk.DeleteObjectsCommand({
            Bucket: this.where.bucket,
            Delete: { Objects: batch, Quiet: true },
          }),
        ),
      );
      const failed = out.Errors?.[0];
      if (failed)
        throw new CodehubError(
          'BlobStoreUnavailable',
          `S3 did not delete ${failed.Key ?? 'an object'} from ${this.location}: ${failed.Code ?? ''} ${failed.Message ?? ''}`.trim(),
        );
    }
  }

  async removeLeftovers(): Promise<number> {
    // A PutObject never leaves a partial object, and this store starts no multipart uploads: nothing to sweep.
    return 0;
  }

  close(): void {
    this.closed = true;
    const pending = this.connection;
    this.connection = null;
    void pending?.then(
      ({ client }) => client.destroy(),
      () => undefined,
    );
  }

  private async write(sha: string, bytes: Uint8Array): Promise<void> {
    await this.writePacked(sha, await packBlob(bytes));
  }

  private async writePacked(sha: string, packed: Uint8Array): Promise<void> {
    const key = this.keyOf(sha);
    await this.request(`PUT ${key}`, ({ sdk, client }) =>
      client.send(
        new sdk.PutObjectCommand({
          Bucket: this.where.bucket,
          Key: key,
          Body: packed,
          ContentType: 'application/octet-stream',
          ContentMD5: createHash('md5').update(packed).digest('base64'),
        }),
      ),
    );
  }

  private async *listUnder(keyPrefix: string): AsyncIterable<StoredBlob> {
    const shape = /(?:^|\/)([0-9a-f]{2})\/([0-9a-f]{64})$/;
    let token: string | undefined;
    do {
      const page = await this.request(`LIST ${keyPrefix || '/'}`, ({ sdk, client }) =>
        client.send(
          new sdk.ListObjectsV2Command({
            Bucket: this.where.bucket,
            Prefix: keyPrefix,
            ...(token !== undefined ? { ContinuationToken: token } : {}),
          }),
        ),
      );
      for (const o of page.Contents ?? []) {
        const m = o.Key === undefined ? null : shape.exec(o.Key);
        // Only `<prefix>/ab/<sha256>` with ab = the name's first two digits is a blob; anything else is left alone.
        if (m && o.Key === this.keyOf(m[2]!) && m[1] === m[2]!.slice(0, 2))
          yield { sha256: m[2]!, storedBytes: o.Size ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  /** Runs one SDK call (retried by the SDK) with bounded concurrency; turns its failures into one-line errors. */
  private async request<T>(what: string, run: (c: { sdk: Sdk; client: S3Client }) => Promise<T>): Promise<T> {
    if (this.closed)
      throw new CodehubError('BlobStoreUnavailable', `the blob store ${this.location} is closed`);
    while (this.inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => this.waiting.push(r));
    this.inFlight++;
    try {
      return await run(await this.connect());
    } catch (err) {
      throw err instanceof AnswerCutShort ? err : this.explain(err, what);
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  private connect(): Promise<{ sdk: Sdk; client: S3Client }> {
    // The SDK is loaded on first use: commands on the folder store never pay for it.
    this.connection ??= import('@aws-sdk/client-s3').then((sdk) => {
      // The SDK's notice about its future Node floor would land on stderr, which `--json` keeps empty.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const s = this.settings;
      const quiet = { debug() {}, info() {}, warn() {}, error() {} };
      const config: S3ClientConfig = {
        ...(s.endpoint !== undefined ? { endpoint: s.endpoint, forcePathStyle: true } : {}),
        ...(s.region !== undefined ? { region: s.region } : {}),
        ...(s.credentials !== undefined ? { credentials: s.credentials } : {}),
        maxAttempts: s.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        retryMode: 'standard',
        // Checksums only where S3 requires them: many S3-compatible servers reject the newer default ones.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        requestHandler: {
          connectionTimeout: s.connectTimeoutMs ?? 5000,
          requestTimeout: s.requestTimeoutMs ?? 30_000,
          throwOnRequestTimeout: true,
          logger: quiet,
        },
        logger: quiet,
      };
      return { sdk, client: new sdk.S3Client(config) };
    });
    return this.connection;
  }

  private explain(err: unknown, what: string): unknown {
    if (err instanceof CodehubError) return err;
    if (!(err instanceof Error)) return err;
    const e = err as Error & {
      code?: string;
      $metadata?: { httpStatusCode?: number; attempts?: number };
      $response?: { statusCode?: number };
    };
    const name = e.name;
    const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
    const attempts = e.$metadata?.attempts;
    const tries = attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : '';
    const at = this.settings.endpoint ?? 'AWS S3';
    const fail = (msg: string): CodehubError => new CodehubError('BlobStoreUnavailable', msg);
    if (name === 'CredentialsProviderError' || (/credential/i.test(e.message) && status === undefined))
      return fail(
        `no S3 credentials for ${this.location}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (${firstLine(e.message)})`,
      );
    if (/region is missing/i.test(e.message))
      return fail(`no S3 region for ${this.location}: set AWS_REGION`);
    if (name === 'NoSuchBucket')
      return fail(
        `bucket '${this.where.bucket}' does not exist at ${at}: create it, or fix --blobs / CODEHUB_BLOBS`,
      );
    if (
      status === 403 ||
      name === 'AccessDenied' ||
      name === 'InvalidAccessKeyId' ||
      name === 'SignatureDoesNotMatch'
    )
      return fail(
        `S3 at ${at} refused ${what} in ${this.location} (${name}): check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the bucket's permissions`,
      );
    if (name === 'TimeoutError' || e.code === 'ETIMEDOUT' || /timed? ?out/i.test(e.message))
      return fail(`S3 at ${at} did not answer ${what}${tries} (timed out); check the endpoint and try again`);
    const netCode = e.code ?? (err.cause as { code?: string } | undefined)?.code;
    if (status === undefined && netCode !== undefined)
      return fail(`cannot reach S3 at ${at} (${netCode})${tries}; check AWS_ENDPOINT_URL and the network`);
    if (status !== undefined && status >= 500)
      return fail(`S3 at ${at} answered ${status} to ${what}${tries}; try again later`);
    if (status !== undefined)
      return fail(`S3 at ${at} answered ${status} (${name}) to ${what}: ${firstLine(e.message)}`);
    return fail(`S3 request ${what} on ${this.location} failed${tries}: ${firstLine(e.message)}`);
  }
}

/** An answer whose body broke off after its headers (a dropped connection), or came shorter than announced. */
class AnswerCutShort extends Error {}

async function readBody(out: S3Sdk.GetObjectCommandOutput): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = out.Body ? Buffer.from(await out.Body.transformToByteArray()) : Buffer.alloc(0);
  } catch (err) {
    const e = err as Error & { code?: string };
    throw new AnswerCutShort(e.code ?? e.message);
  }
  if (out.ContentLength !== undefined && bytes.length !== out.ContentLength)
    throw new AnswerCutShort(`${bytes.length} of ${out.ContentLength} bytes`);
  return bytes;
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e.name === 'NoSuchKey' ||
    e.name === 'NotFound' ||
    (e.name !== 'NoSuchBucket' && e.$metadata?.httpStatusCode === 404)
  );
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
