/** Shared pieces of the reliability suite: generated repos, a served hub, raw HTTP and MCP calls, a seeded PRNG. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { BIN, ROOT, type FixtureRepo } from '../helpers/fixture-repo.js';

/** mulberry32: a small seeded PRNG so every random trial can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes `files` TypeScript modules that import and call each other; `variant` changes every body
 * (and the marker function's return value) so two variants give two distinguishable snapshots.
 */
export function writeGeneratedSources(repo: FixtureRepo, files: number, variant: number): void {
  for (let i = 0; i < files; i++) {
    const next = (i + 1) % files;
    const lines = [
      `import { work${next} } from './mod${next}.js';`,
      '',
      `/** Module ${i}, variant ${variant}. */`,
      `export class Service${i} {`,
      `  private count = ${variant};`,
      `  run(x: number): number {`,
      `    this.count += x;`,
      `    return helper${i}(this.count) + ${variant};`,
      '  }',
      '}',
      '',
      `function helper${i}(n: number): number {`,
      `  return n * ${i + variant};`,
      '}',
      '',
      `export function work${i}(depth: number): number {`,
      `  if (depth <= 0) return new Service${i}().run(${i});`,
      `  return work${next}(depth - 1) + ${variant};`,
      '}',
    ];
    for (let k = 0; k < 8; k++)
      lines.push('', `export const value${i}_${k} = (y: number): number => y + ${k * variant};`);
    repo.write(`src/m${Math.floor(i / 50)}/mod${i}.ts`, lines.join('\n') + '\n');
  }
  repo.write(
    'src/marker.ts',
    `/** Says which variant is indexed. */\nexport function marker(): number {\n  return ${variant};\n}\n`,
  );
}

export interface Served {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
  /** Everything the server wrote to stderr (unexpected errors land here). */
  stderr(): string;
  /** Everything the server wrote to stdout so far (its URL and MCP config). */
  stdout(): string;
}

/** Spawns `codehub serve --port 0` and resolves once it prints its URL. */
export function serve(data: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', data, ...extraArgs], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 60_000);
    proc.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /codehub hub: (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          proc,
          stderr: () => err,
          stdout: () => out,
          stop: () =>
            new Promise<void>((done) => {
              if (proc.exitCode !== null) return done();
              proc.once('exit', () => done());
              proc.kill('SIGTERM');
            }),
        });
      }
    });
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP exchange with full control of method, headers and body. */
export function rawRequest(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<RawResponse> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path, method, agent: false, headers: { host: u.host, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

let rpcId = 0;

/** A stateless JSON-RPC `tools/call` POSTed to /mcp; returns the raw response and the parsed result. */
/** A tool result as it arrives on the wire (structuredContent is the tool's own JSON). */
export interface ToolResultJson {
  isError?: boolean;
  content: { text: string }[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads its own tool's fields
  structuredContent?: any;
}

export async function mcpCall(
  base: string,
  tool: string,
  args: Record<string, unknown>,
): Promise<{ res: RawResponse; result: ToolResultJson }> {
  const res = await rawRequest(
    base,
    'POST',
    '/mcp',
    { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    JSON.stringify({
      jsonrpc: '2.0',
      id: ++rpcId,
      method: 'tools/call',
      params: { name: tool, arguments: args },
    }),
  );
  let result;
  try {
    result = JSON.parse(res.body).result;
  } catch {
    result = undefined;
  }
  return { res, result };
}

/** The file of a loose git object; fails when the object is not loose (packed objects cannot be removed one by one). */
export function looseObjectFile(repoDir: string, oid: string): string {
  const file = join(repoDir, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
  if (!existsSync(file)) throw new Error(`object ${oid} is not loose in ${repoDir}`);
  return file;
}

/** Deletes a loose object, as a pruned mirror or a lost file would leave the repository. */
export function removeLooseObject(repoDir: string, oid: string): void {
  rmSync(looseObjectFile(repoDir, oid));
}
