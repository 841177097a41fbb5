/**
 * Lock files in the data dir: one per repo so two indexers of one repo never interleave, plus one
 * for gc. A lock file holds its owner's pid; a lock whose process is gone (SIGKILL, crash) is stale
 * and is taken over.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodehubError } from '../core/errors.js';

export const GC_LOCK = '_gc';

export interface HeldLock {
  name: string;
  release(): void;
}

function lockDir(dataDir: string): string {
  return join(dataDir, 'locks');
}

function fileFor(dataDir: string, name: string): string {
  return join(lockDir(dataDir), `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.lock`);
}

function ownerAlive(file: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(file, 'utf8').trim());
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryTake(file: string): boolean {
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (ownerAlive(file)) return false;
  // Stale: its owner died. Remove and retry once; a racing taker wins fairly through 'wx'.
  rmSync(file, { force: true });
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Takes the named lock, waiting up to `waitMs`; throws IndexLocked when another live process keeps it. */
export async function acquireLock(
  dataDir: string,
  name: string,
  what: string,
  waitMs = 5000,
): Promise<HeldLock> {
  mkdirSync(lockDir(dataDir), { recursive: true });
  const file = fileFor(dataDir, name);
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (tryTake(file)) {
      let held = true;
      return {
        name,
        release: () => {
          if (held) rmSync(file, { force: true });
          held = false;
        },
      };
    }
    if (Date.now() >= deadline) {
      let pid = '?';
      try {
        pid = readFileSync(file, 'utf8').trim();
      } catch {
        // released meanwhile; report anyway
      }
      throw new CodehubError(
        'IndexLocked',
        `${what} is locked by another codehub process (pid ${pid}); wait for it to finish`,
      );
    }
    await sleep(100);
  }
}

/** True when a live process holds the named lock. */
export function isLockHeld(dataDir: string, name: string): boolean {
  return ownerAlive(fileFor(dataDir, name));
}

/** Names of locks held by live processes other than this one. */
export function liveLocks(dataDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(lockDir(dataDir));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.lock'))
    .filter((n) => {
      const file = join(lockDir(dataDir), n);
      try {
        return Number(readFileSync(file, 'utf8').trim()) !== process.pid && ownerAlive(file);
      } catch {
        return false;
      }
    })
    .map((n) => n.slice(0, -'.lock'.length));
}
