/**
 * A real S3-compatible server for tests: s3rver on loopback (a free port), keeping its objects in a temp dir, and a
 * small proxy in front of it that can answer with errors or stall, to play an S3 endpoint having a bad day.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, ROOT, type CliResult } from '../helpers/fixture-repo.js';

export const TEST_BUCKET = 'codehub-test';
/** s3rver's built-in key pair. */
export const TEST_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3TestServer {
  endpoint: string;
  /** The AWS environment variables a codehub process needs to reach this server. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts s3rver on 127.0.0.1 (port chosen by the OS) with an empty bucket `codehub-test`, in a child process: the
 * CLI under test can then be run synchronously, and s3rver gets the OpenSSL provider its paged listings need.
 */
export async function startS3Server(): Promise<S3TestServer> {
  const directory = mkdtempSync(join(tmpdir(), 'codehub-s3rver-'));
  const main = join(dirname(fileURLToPath(import.meta.url)), 's3rver-main.js');
  const child = spawn(process.execPath, ['--openssl-legacy-provider', main, directory, TEST_BUCKET], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (b: Buffer) => {
      text += b.toString('utf8');
      const line = text.split('\n')[0];
      if (text.includes('\n') && line !== undefined) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}) before listening`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    env: s3Env(endpoint),
    async close() {
      child.stdin.end();
      await exited;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** AWS environment for an endpoint (the test credentials; region as a real client would set it). */
export function s3Env(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
  };
}

export type Fault =
  | { kind: 'status'; status: number }
  | { kind: 'stall' }
  | { kind: 'after'; status: number }
  | { kind: 'cut' };

/**
 * A proxy in front of an S3 endpoint that applies queued faults to the next requests matching a method (or any):
 * `status` answers that status without forwarding, `stall` never answers, `after` forwards the request (so the
 * server acts on it) and then answers the status instead of the server's reply, `cut` sends the server's headers
 * and half its body, then drops the connection.
 */
export class FaultProxy {
  readonly seen: Array<{ method: string; url: string; status: number | 'stalled' | 'cut' }> = [];
  private readonly faults: Array<{ method: string | null; url: RegExp | null; fault: Fault }> = [];
  private readonly stalled = new Set<ServerResponse>();
  private server: Server | null = null;
  endpoint = '';

  constructor(private readonly target: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next `times` requests (of `method`, or any; whose URL matches `url`, or any) meet `fault`. */
  inject(fault: Fault, times: number, method: string | null = null, url: RegExp | null = null): void {
    for (let i = 0; i < times; i++) this.faults.push({ method, url, fault });
  }

  clear(): void {
    this.faults.length = 0;
    this.seen.length = 0;
  }

  async close(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const at = this.faults.findIndex(
      (f) => (f.method === null || f.method === req.method) && (f.url === null || f.url.test(req.url ?? '')),
    );
    const fault = at === -1 ? null : this.faults.splice(at, 1)[0]!.fault;
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    if (fault?.kind === 'stall') {
      this.seen.push({ method, url, status: 'stalled' });
      this.stalled.add(res);
      req.resume();
      return;
    }
    if (fault?.kind === 'status') {
      this.seen.push({ method, url, status: fault.status });
      req.resume();
      req.on('end', () => answerError(res, fault.status));
      return;
    }
    const upstream = request(`${this.target}${url}`, { method, headers: req.headers }, (up) => {
      if (fault?.kind === 'after') {
        up.resume();
        up.on('end', () => {
          this.seen.push({ method, url, status: fault.status });
          answerError(res, fault.status);
        });
        return;
      }
      if (fault?.kind === 'cut') {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.concat(chunks);
          this.seen.push({ method, url, status: 'cut' });
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
        });
        return;
      }
      this.seen.push({ method, url, status: up.statusCode ?? 0 });
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }
}

function answerError(res: ServerResponse, status: number): void {
  const code = status === 503 ? 'SlowDown' : 'InternalError';
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>injected by the test</Message></Error>`,
  );
}

/**
 * Runs the CLI without blocking this process's event loop (the S3 server it talks to runs in this process).
 */
export function runCliAsync(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({
        code: code ?? -1,
        stdout: stdoutBytes.toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        stdoutBytes,
      });
    });
  });
}
