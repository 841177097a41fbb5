/** Real `codehub serve` and `codehub worker` processes for the job-queue tests, stopped by pid. */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, ROOT } from './fixture-repo.js';

export interface HubProcess {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
}

function startProcess(args: string[], env: NodeJS.ProcessEnv = {}): HubProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let seen = '';
  child.stdout!.on('data', (c: Buffer) => (seen += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (seen += c.toString('utf8')));
  return {
    child,
    output: () => seen,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts `codehub serve --port 0 …` and resolves with its URL once it listens. */
export async function startServe(
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<HubProcess & { url: string }> {
  const p = startProcess(['serve', '--port', '0', ...args], env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`codehub serve printed no URL within 60 s:\n${p.output()}`)),
      60_000,
    );
    const look = (): void => {
      const m = /^codehub hub: (\S+)$/m.exec(p.output());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace(/\/$/, ''));
      }
    };
    p.child.stdout!.on('data', look);
    p.child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`codehub serve exited with ${code}:\n${p.output()}`));
    });
  });
  return { ...p, url };
}

/** Starts `codehub worker …` (it logs one line per job event on stderr). */
export function startWorker(args: string[], env?: NodeJS.ProcessEnv): HubProcess {
  return startProcess(['worker', ...args], env);
}

/** Resolves once `check` returns a value (polled every 100 ms), or rejects after `ms` with `what`. */
export async function waitFor<T>(
  what: string,
  ms: number,
  check: () => Promise<T | null | undefined | false>,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** JSON request to a hub. */
export async function api(
  base: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown; contentType?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (init.token !== undefined) headers.Authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['Content-Type'] = init.contentType ?? 'application/json';
  const res = await fetch(base + path, {
    method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
    headers,
    ...(init.body !== undefined
      ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }
      : {}),
  });
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: res.status, body };
}
