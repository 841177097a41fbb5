/**
 * A minimal language-server client over stdio (JSON-RPC with Content-Length framing), enough to ask a type
 * checker where a name is defined. Every request settles: with the answer, with the server's error, or with a
 * failure when the server exits, crashes or stops answering (no answer for `stallMillis` while requests wait).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export type LspAnswer = { ok: true; result: unknown } | { ok: false; error: string };

/** Answers the server's own requests (`workspace/configuration`…); return undefined for `null`. */
export type ServerRequestHandler = (method: string, params: unknown) => unknown;

export interface LspConnectionOptions {
  command: string;
  args: string[];
  cwd: string;
  onServerRequest: ServerRequestHandler;
  /** Fail every waiting request when the server has answered nothing for this long. Default 60 s. */
  stallMillis?: number;
}

interface Pending {
  resolve: (answer: LspAnswer) => void;
}

/** One running language server. */
export class LspConnection {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private buffer = Buffer.alloc(0);
  private dead: string | null = null;
  private stderrTail = '';
  private watchdog: NodeJS.Timeout | null = null;
  private readonly stallMillis: number;
  private peakRssKb = 0;

  constructor(private readonly options: LspConnectionOptions) {
    this.stallMillis = options.stallMillis ?? 60_000;
    this.child = spawn(options.command, options.args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-2000);
    });
    this.child.stdin!.on('error', () => undefined);
    this.child.on('error', (error) => this.fail(`cannot start the language server: ${error.message}`));
    this.child.on('exit', (code, signal) => {
      const tail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
      this.fail(`language server exited (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ''}`);
    });
  }

  /** Why the server is gone, or null while it runs. */
  get failure(): string | null {
    return this.dead;
  }

  /** Sends a request; the answer always comes (see the file comment). */
  request(method: string, params: unknown): Promise<LspAnswer> {
    if (this.dead) return Promise.resolve({ ok: false, error: this.dead });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      this.send({ jsonrpc: '2.0', id, method, params });
      if (!this.watchdog) this.arm(); // only an answer resets the clock
    });
  }

  notify(method: string, params: unknown): void {
    if (!this.dead) this.send({ jsonrpc: '2.0', method, params });
  }

  /** Peak resident memory of the server process so far, in MB (Linux: VmHWM), or null when unknown. */
  peakRssMb(): number | null {
    this.samplePeak();
    return this.peakRssKb > 0 ? Math.round(this.peakRssKb / 1024) : null;
  }

  /** Asks the server to shut down and exit; kills it when it does not within `graceMillis`. */
  async close(graceMillis = 5000): Promise<void> {
    this.samplePeak();
    if (!this.dead) {
      const bye = this.request('shutdown', null);
      await Promise.race([bye, delay(graceMillis)]);
      this.notify('exit', null);
    }
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      await Promise.race([exited, delay(graceMillis)]);
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    }
    this.fail('language server closed');
  }

  /** Kills the server at once (a hang); waiting requests fail with `reason`. */
  kill(reason: string): void {
    this.samplePeak();
    this.fail(reason);
    this.child.kill('SIGKILL');
  }

  private samplePeak(): void {
    if (this.child.pid === undefined || this.child.exitCode !== null) return;
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      if (kb > this.peakRssKb) this.peakRssKb = kb;
    } catch {
      // Not Linux, or the process is gone: the peak stays what was sampled before.
    }
  }

  private send(message: unknown): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.child.stdin!.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin!.write(body);
  }

  private arm(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    if (this.pending.size === 0 || this.dead) {
      this.watchdog = null;
      return;
    }
    this.watchdog = setTimeout(() => {
      this.kill(`language server answered nothing for ${this.stallMillis} ms`);
    }, this.stallMillis);
  }

  private fail(reason: string): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
    if (!this.dead) this.dead = reason;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.resolve({ ok: false, error: reason });
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const length = Number(/Content-Length:\s*(\d+)/i.exec(header)?.[1] ?? NaN);
      if (!Number.isFinite(length)) {
        this.kill(`language server sent a frame without Content-Length: ${header.slice(0, 80)}`);
        return;
      }
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      let message: {
        id?: number | string;
        method?: string;
        params?: unknown;
        result?: unknown;
        error?: { message?: string };
      };
      try {
        message = JSON.parse(body) as typeof message;
      } catch {
        continue;
      }
      this.dispatch(message);
    }
  }

  private dispatch(message: {
    id?: number | string;
    method?: string;
    params?: unknown;
    result?: unknown;
    error?: { message?: string };
  }): void {
    if (message.method !== undefined) {
      if (message.id === undefined) return; // a notification: logs, diagnostics, progress
      let result: unknown = null;
      try {
        result = this.options.onServerRequest(message.method, message.params) ?? null;
      } catch {
        result = null;
      }
      this.send({ jsonrpc: '2.0', id: message.id, result });
      return;
    }
    if (typeof message.id !== 'number') return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    this.arm();
    pending.resolve(
      message.error
        ? { ok: false, error: message.error.message ?? 'error without a message' }
        : { ok: true, result: message.result },
    );
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
