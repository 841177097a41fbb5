/**
 * One long-lived `git cat-file --batch` process: requests are pipelined (written ahead) and answered
 * in order, so reading a whole tree costs one process, not one per file.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CodehubError } from '../core/errors.js';
import { offlineGitEnv } from './git.js';

interface Pending {
  oid: string;
  resolve: (bytes: Buffer | null) => void;
  reject: (err: Error) => void;
}

export class CatFileBatch {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: Pending[] = [];
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes (content + trailing LF) still expected for the current object, or -1 while reading a header. */
  private need = -1;
  private failure: Error | null = null;

  constructor(repoDir: string) {
    this.child = spawn('git', ['cat-file', '--batch'], { cwd: repoDir, env: offlineGitEnv() });
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    let stderr = '';
    this.child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    this.child.on('error', (e) =>
      this.fail(new CodehubError('GitFailed', `git cat-file failed: ${e.message}`)),
    );
    this.child.on('close', () => {
      if (this.queue.length > 0)
        this.fail(new CodehubError('GitFailed', `git cat-file exited: ${stderr.trim() || 'no message'}`));
    });
    this.child.stdin.on('error', () => undefined);
  }

  /** Reads one object's bytes by git oid; null when the repository does not have it. */
  read(oid: string): Promise<Buffer | null> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ oid, resolve, reject });
      this.child.stdin.write(`${oid}\n`);
    });
  }

  /** Ends the process. */
  close(): void {
    this.child.stdin.end();
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const p of this.queue.splice(0)) p.reject(err);
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.need === -1) {
        const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
        const nl = all.indexOf(10);
        if (nl === -1) {
          this.chunks = [all];
          return;
        }
        const header = all.toString('utf8', 0, nl);
        const rest = all.subarray(nl + 1);
        this.chunks = rest.length > 0 ? [rest] : [];
        this.buffered = rest.length;
        if (header.endsWith(' missing')) {
          this.queue.shift()?.resolve(null);
          continue;
        }
        if (header.endsWith(' ambiguous')) {
          const p = this.queue.shift();
          p?.reject(new CodehubError('GitFailed', `git object ${p.oid} is ambiguous`));
          continue;
        }
        const size = Number(header.split(' ')[2]);
        this.need = size + 1;
      }
      if (this.buffered < this.need) return;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      const body = Buffer.from(all.subarray(0, this.need - 1));
      const rest = all.subarray(this.need);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.need = -1;
      this.queue.shift()?.resolve(body);
    }
  }
}
