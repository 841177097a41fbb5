/**
 * Runs a command and measures its wall time and the peak RSS of its whole process tree.
 * RSS is sampled from /proc (sum over the tree, every `sampleMs`); when GNU time is installed at /usr/bin/time it
 * also reports the largest single process's max RSS (rusage), and the larger of the two is kept.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Result of one measured command. */
export interface Measurement {
  wallMs: number;
  /** Peak resident set size of the process tree, bytes (0 when it could not be read). */
  peakRss: number;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Options for {@link measureCommand}. */
export interface MeasureOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  sampleMs?: number;
}

const GNU_TIME = '/usr/bin/time';

/** True when GNU time (`apt-get install -y time`) is available for rusage-based peak RSS. */
export function hasGnuTime(): boolean {
  return existsSync(GNU_TIME);
}

function readProcTable(): Map<number, { ppid: number; rss: number }> {
  const table = new Map<number, { ppid: number; rss: number }>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      const rssPages = Number(fields[21]);
      table.set(Number(name), { ppid, rss: rssPages * 4096 });
    } catch {
      // the process ended between readdir and read
    }
  }
  return table;
}

/** Sum of RSS over `root` and all its descendants, bytes. */
export function treeRss(root: number): number {
  const table = readProcTable();
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of table) {
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  let total = 0;
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    total += table.get(pid)?.rss ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Spawns `command args` and resolves with wall time, peak tree RSS, exit status and output. Never rejects on exit code. */
export function measureCommand(
  command: string,
  args: string[],
  options: MeasureOptions = {},
): Promise<Measurement> {
  const useTime = hasGnuTime();
  const timeDir = useTime ? mkdtempSync(join(tmpdir(), 'codehub-time-')) : '';
  const timeFile = join(timeDir, 'rusage');
  const argv = useTime ? [GNU_TIME, '-f', '%M', '-o', timeFile, command, ...args] : [command, ...args];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < 8_000_000) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 1_000_000) stderr += chunk;
    });
    let peak = 0;
    const sample = (): void => {
      if (child.pid !== undefined) peak = Math.max(peak, treeRss(child.pid));
    };
    const timer = setInterval(sample, options.sampleMs ?? 50);
    let timedOut = false;
    const killer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
          }, options.timeoutMs);
    child.on('error', (err) => {
      clearInterval(timer);
      if (killer) clearTimeout(killer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      clearInterval(timer);
      if (killer) clearTimeout(killer);
      if (useTime) {
        try {
          const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
          const kb = Number(lines[lines.length - 1]);
          if (Number.isFinite(kb)) peak = Math.max(peak, kb * 1024);
          // GNU time prints "Command exited with non-zero status N" before the format line.
        } catch {
          // no rusage file (killed): keep the sampled peak
        }
        rmSync(timeDir, { recursive: true, force: true });
      }
      resolve({ wallMs, peakRss: peak, exitCode: code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
