/** `codehub export <repo> [--ref SHA]`: the snapshot's symbols and edges as JSON lines on stdout, streamed. */
import { CodehubError } from '../../core/errors.js';
import { exportSnapshot, exportTarget } from '../../service/export-snapshot.js';
import { blobLocation, defaultDataDir, openWorkspace } from '../../service/workspace.js';
import { queryTarget } from '../../service/worktree-overlay.js';
import { EXIT } from '../main.js';
import { parseCommandArgs, writeOut } from './command-args.js';

const BATCH_BYTES = 64 * 1024;

/** Runs `codehub export`; returns the exit code. */
export async function cmdExport(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ref: { type: 'string' } });
  if (values.help) {
    process.stdout.write(`usage: codehub export <repo> [--ref SHA] [--data DIR]\n`);
    return EXIT.ok;
  }
  const [repo] = positionals;
  if (!repo || positionals.length > 1) throw new CodehubError('InvalidInput', 'export takes <repo>');
  const ws = openWorkspace(defaultDataDir(values.data), {
    blobs: blobLocation(values.blobs),
    database: values.database,
  });
  let closed = false;
  const onError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE') closed = true; // the reader went away (`| head`): stop quietly
  };
  process.stdout.on('error', onError);
  let target: ReturnType<typeof queryTarget> | null = null;
  try {
    target = queryTarget(ws, repo);
    const { repo: record, snapshot } = await exportTarget(target.ws, target.repo, values.ref);
    let batch = '';
    for await (const line of exportSnapshot(target.ws, record, snapshot)) {
      if (closed) break;
      batch += `${JSON.stringify(line)}\n`;
      if (batch.length >= BATCH_BYTES) {
        await writeOut(batch);
        batch = '';
      }
    }
    if (batch !== '' && !closed) await writeOut(batch);
    return EXIT.ok;
  } finally {
    process.stdout.off('error', onError);
    await target?.close();
    await ws.close();
  }
}
