/** Progress line for long work on a TTY (files done/total, MB/s, ETA); silent off a TTY. */
import type { IndexProgress } from '../service/indexer.js';

export interface ProgressRenderer {
  update(p: IndexProgress): void;
  done(): void;
}

/** A renderer writing to stderr when it is a TTY, else a no-op. */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): ProgressRenderer {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100 && p.filesDone < p.filesTotal) return;
      last = now;
      const secs = Math.max((now - started) / 1000, 0.001);
      const mbs = p.bytesDone / 1e6 / secs;
      const rate = p.bytesDone / secs;
      const eta = rate > 0 ? Math.ceil((p.bytesTotal - p.bytesDone) / rate) : 0;
      const perFile = p.filesDone > 0 ? secs / p.filesDone : 0;
      const etaSecs = p.bytesTotal > 0 ? eta : Math.ceil(perFile * (p.filesTotal - p.filesDone));
      const speed =
        p.bytesTotal > 0 ? `${mbs.toFixed(1)} MB/s` : `${(p.filesDone / secs).toFixed(0)} files/s`;
      const line = `${p.phase} ${p.filesDone}/${p.filesTotal} files  ${speed}  ETA ${formatSeconds(etaSecs)}`;
      stream.write(`\r\x1b[K${line}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

function formatSeconds(s: number): string {
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
