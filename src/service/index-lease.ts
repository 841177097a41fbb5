/**
 * The locks of indexing and gc: a lock file in the data dir (one host) and a lease in the database (every host that
 * shares it, as PostgreSQL deployments do). A lease is renewed while its holder runs; one whose holder died lapses
 * after LEASE_TTL_MS, or at once when the holder ran on this host and its process is gone.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CodehubError } from '../core/errors.js';
import type { Leases } from '../db/storage.js';
import { acquireLock, GC_LOCK, isLockHeld, liveLocks } from '../store/index-lock.js';

export const LEASE_TTL_MS = 60_000;
const RENEW_EVERY_MS = 15_000;
/** The lease name of gc; an index run's lease is `index <repo id>`. */
export const GC_LEASE = 'gc';

export interface HeldIndexLock {
  release(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** This process's lease holder: host, pid and a nonce (a pid is reused after a restart). */
function newHolder(): string {
  return `${hostname()} ${process.pid} ${randomUUID()}`;
}

/** True when the holder ran on this host and its process is gone. */
export function holderDead(holder: string): boolean {
  const [host, pidText] = holder.split(' ');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

/** Takes a lease, waiting up to `waitMs`; a dead holder's lease on this host is taken over at once. */
async function takeLease(leases: Leases, name: string, what: string, waitMs: number): Promise<HeldIndexLock> {
  const holder = newHolder();
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await leases.acquire(name, holder, LEASE_TTL_MS)) break;
    const other = (await leases.live()).find((l) => l.name === name);
    if (other && holderDead(other.holder)) {
      await leases.release(name, other.holder);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new CodehubError(
        'IndexLocked',
        `${what} is locked by another codehub process (${other?.holder.split(' ').slice(0, 2).join(' pid ') ?? 'unknown'}); wait for it to finish`,
      );
    }
    await sleep(100);
  }
  const timer = setInterval(() => {
    leases.renew(name, holder, LEASE_TTL_MS).catch(() => undefined); // a missed renewal is retried; the TTL covers it
  }, RENEW_EVERY_MS);
  timer.unref();
  return {
    release: async () => {
      clearInterval(timer);
      await leases.release(name, holder).catch(() => undefined); // unreleased, it lapses after the TTL
    },
  };
}

/** Locks one repo for indexing (file lock, then lease); throws IndexLocked after `waitMs`. */
export async function lockRepoForIndex(
  ws: { dataDir: string; storage: { leases: Leases } },
  repoId: string,
  waitMs: number,
): Promise<HeldIndexLock> {
  const file = await acquireLock(ws.dataDir, repoId, `repo ${repoId}`, waitMs);
  let lease: HeldIndexLock;
  try {
    lease = await takeLease(ws.storage.leases, `index ${repoId}`, `repo ${repoId}`, waitMs);
  } catch (err) {
    file.release();
    throw err;
  }
  return {
    release: async () => {
      await lease.release();
      file.release();
    },
  };
}

/** True while gc runs anywhere that shares this data dir or database. */
export async function gcRunning(ws: { dataDir: string; storage: { leases: Leases } }): Promise<boolean> {
  if (isLockHeld(ws.dataDir, GC_LOCK)) return true;
  return (await ws.storage.leases.live()).some((l) => l.name === GC_LEASE && !holderDead(l.holder));
}

/** Locks the data dir and database for gc; throws IndexLocked when gc or an index run is in progress. */
export async function lockForGc(ws: {
  dataDir: string;
  storage: { leases: Leases };
}): Promise<HeldIndexLock> {
  const file = await acquireLock(ws.dataDir, GC_LOCK, 'the data dir (gc)', 2000);
  let lease: HeldIndexLock | null = null;
  try {
    lease = await takeLease(ws.storage.leases, GC_LEASE, 'the data dir (gc)', 2000);
    const leased = (await ws.storage.leases.live())
      .filter((l) => l.name.startsWith('index ') && !holderDead(l.holder))
      .map((l) => l.name.slice('index '.length));
    const busy = leased.length > 0 ? leased : liveLocks(ws.dataDir).filter((n) => n !== GC_LOCK);
    if (busy.length > 0) {
      throw new CodehubError(
        'IndexLocked',
        `an index run is in progress (${busy.join(', ')}); run gc when it finishes`,
      );
    }
  } catch (err) {
    await lease?.release();
    file.release();
    throw err;
  }
  const held = lease;
  return {
    release: async () => {
      await held.release();
      file.release();
    },
  };
}
