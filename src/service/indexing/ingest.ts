/**
 * Indexing's first stage: a commit's tree → file records, blobs in the blob store, git objects remembered, and for
 * each file a plug-in analyses either its cached facts or its text. Yields one window of files at a time, so the next
 * stage analyses a window while later ones are read.
 */
import { languageByExtension } from '../../languages/file-language.js';
import type { LanguagePlugin } from '../../languages/plugin.js';
import type { FileFacts } from '../../core/facts.js';
import {
  factsKeyString,
  type AnalysisCache,
  type FactsCacheKey,
  type FileRecord,
  type GitObjectInfo,
} from '../../db/storage.js';
import type { CatFileBatch } from '../../git/cat-file-batch.js';
import type { TreeEntry } from '../../git/git.js';
import { sha256Hex } from '../../store/blob-codec.js';
import type { BlobStore } from '../../store/blob-store.js';
import { isUtf8 } from 'node:buffer';

/** Entries read and written per window: git reads are pipelined, blob writes compress in parallel. */
const WINDOW = 128;

/** A file a plug-in analyses: its facts from the cache, or its text to analyse. */
export interface AnalysableFile {
  path: string;
  key: FactsCacheKey;
  /** Found in the facts cache (by this stage: only for content the database already knew). */
  facts: FileFacts | null;
  /** The text, when facts were not found. */
  text: string | null;
  /** True when the cache was already asked for `key` (and had nothing). */
  cacheChecked: boolean;
}

export interface IngestedWindow {
  files: AnalysableFile[];
}

/** What ingest learned about the whole tree; complete once every window has been consumed. */
export interface IngestedTree {
  /** One record per tree entry (except trees), in tree order. */
  files: FileRecord[];
  /** Config files' texts for module resolution: plug-in id → path → text. */
  configs: Map<string, Map<string, string>>;
  newBlobs: number;
  bytesDone: number;
}

export interface IngestInput {
  entries: readonly TreeEntry[];
  /** The plug-in of each entry's path (undefined: none, and for symlinks and submodules). */
  plugins: ReadonlyMap<string, LanguagePlugin | undefined>;
  /** Config files and the plug-ins that read them. */
  configOwners: ReadonlyMap<string, readonly LanguagePlugin[]>;
  /** Git objects the database already knew, by oid. */
  known: ReadonlyMap<string, GitObjectInfo>;
  maxFileSize: number;
  git: CatFileBatch;
  blobs: BlobStore;
  cache: AnalysisCache;
  /** Told after each file, with the number of file records so far. */
  onFile?: (filesDone: number, bytesDone: number) => void;
}

/** Reads the tree window by window; `tree` is complete once `windows` is exhausted. */
export function ingest(input: IngestInput): { windows: AsyncIterable<IngestedWindow>; tree: IngestedTree } {
  const tree: IngestedTree = { files: [], configs: new Map(), newBlobs: 0, bytesDone: 0 };
  return { windows: ingestWindows(input, tree), tree };
}

async function* ingestWindows(input: IngestInput, tree: IngestedTree): AsyncGenerator<IngestedWindow> {
  const { entries, plugins, configOwners, known, maxFileSize, git, blobs, cache } = input;
  const { files, configs } = tree;
  const writing = new Set<string>();
  const keyOf = (p: LanguagePlugin, path: string, sha256: string): FactsCacheKey => ({
    blobSha256: sha256,
    pluginId: p.id,
    analyzerVersion: p.analyzerVersion,
    path,
  });
  const fileDone = (size: number): void => {
    tree.bytesDone += size;
    input.onFile?.(files.length, tree.bytesDone);
  };

  for (let w = 0; w < entries.length; w += WINDOW) {
    const window = entries.slice(w, w + WINDOW);
    // Decide what must be read from git, then pipeline those reads.
    const infos = new Map<string, GitObjectInfo>();
    const knownHere = window.flatMap((e) => known.get(e.oid) ?? []);
    const stored = knownHere.length > 0 ? await blobs.hasMany(knownHere.map((k) => k.sha256)) : new Set();
    for (const k of knownHere) if (stored.has(k.sha256)) infos.set(k.oid, k);
    const cacheKeys: FactsCacheKey[] = [];
    for (const e of window) {
      const p = plugins.get(e.path);
      const info = infos.get(e.oid);
      if (p && info && info.content === 'text') cacheKeys.push(keyOf(p, e.path, info.sha256));
    }
    // Content the database knew may have cached facts: those files need not be read at all.
    const cached =
      cacheKeys.length > 0 ? await cache.getCachedFacts(cacheKeys) : new Map<string, FileFacts>();
    // Sizes came with the tree: nothing too large, and nothing the repository lacks, is asked for.
    const reads = new Map<TreeEntry, Promise<Buffer | null>>();
    for (const e of window) {
      if (e.type !== 'blob' || e.missing) continue;
      if (e.mode === '120000') {
        reads.set(e, git.read(e.oid));
        continue;
      }
      if ((e.size ?? 0) > maxFileSize) continue;
      const info = infos.get(e.oid);
      const p = plugins.get(e.path);
      const needsFacts =
        p !== undefined &&
        (!info || (info.content === 'text' && !cached.has(factsKeyString(keyOf(p, e.path, info.sha256)))));
      if (!info || needsFacts || configOwners.has(e.path)) reads.set(e, git.read(e.oid));
    }
    const puts: Array<Promise<unknown>> = [];
    const learned: GitObjectInfo[] = [];
    const analysable: AnalysableFile[] = [];

    for (const e of window) {
      const size = e.size ?? 0;
      const base = {
        path: e.path,
        gitOid: e.oid,
        mode: e.mode,
        size,
        language: languageByExtension(e.path),
      };
      if (e.type === 'commit') {
        files.push({
          ...base,
          blobSha256: null,
          lines: null,
          eol: null,
          skipReason: 'submodule',
          target: e.oid,
        });
      } else if (e.type !== 'blob') {
        continue;
      } else if (e.missing) {
        files.push(missingObjectRecord(base));
      } else if (e.mode === '120000') {
        const bytes = await reads.get(e)!;
        files.push(
          bytes === null
            ? missingObjectRecord(base)
            : {
                ...base,
                blobSha256: null,
                lines: null,
                eol: null,
                skipReason: 'symlink',
                target: bytes.toString('utf8'),
              },
        );
      } else if (size > maxFileSize) {
        files.push({
          ...base,
          blobSha256: null,
          lines: null,
          eol: null,
          skipReason: 'too-large',
          target: null,
        });
      } else {
        const p = plugins.get(e.path);
        const pending = reads.get(e);
        const bytes = pending ? await pending : null;
        if (pending && bytes === null) {
          // Listed with a size, gone when read (pruned meanwhile): the same outcome as a blob listed missing.
          files.push(missingObjectRecord(base));
          fileDone(size);
          continue;
        }
        let info = infos.get(e.oid);
        const knewContent = info !== undefined;
        if (!info) {
          info = describe(e.oid, bytes!);
          learned.push(info);
          const sha = info.sha256;
          if (!writing.has(sha)) {
            // Identical content at several paths of this run is written (and counted) once.
            writing.add(sha);
            puts.push(
              blobs.put(bytes!, sha).then((r) => {
                if (r.created) tree.newBlobs++;
              }),
            );
          }
        }
        files.push({
          ...base,
          language: p?.id ?? base.language,
          blobSha256: info.sha256,
          lines: info.lines,
          eol: info.eol,
          skipReason: info.content === 'text' ? null : info.content,
          target: null,
        });
        if (bytes && info.content === 'text') {
          for (const owner of configOwners.get(e.path) ?? []) {
            let m = configs.get(owner.id);
            if (!m) configs.set(owner.id, (m = new Map()));
            m.set(e.path, bytes.toString('utf8'));
          }
        }
        if (p && info.content === 'text') {
          const key = keyOf(p, e.path, info.sha256);
          const facts = cached.get(factsKeyString(key)) ?? null;
          analysable.push({
            path: e.path,
            key,
            facts,
            text: facts ? null : bytes!.toString('utf8'),
            cacheChecked: knewContent,
          });
        }
      }
      fileDone(size);
    }
    await Promise.all(puts);
    // Remember objects only once their blobs are durably in place.
    await cache.rememberGitObjects(learned);
    yield { files: analysable };
  }
}

/** A file whose blob the repository does not have: listed, with no content, size or analysis. */
function missingObjectRecord(
  base: Omit<FileRecord, 'blobSha256' | 'lines' | 'eol' | 'skipReason' | 'target'>,
): FileRecord {
  return {
    ...base,
    size: 0,
    blobSha256: null,
    lines: null,
    eol: null,
    skipReason: 'missing-object',
    target: null,
  };
}

/** Hashes and classifies a blob's bytes: binary (NUL byte), invalid UTF-8, or text with line count and EOL style. */
export function describe(oid: string, bytes: Buffer): GitObjectInfo {
  const sha256 = sha256Hex(bytes);
  if (bytes.indexOf(0) !== -1)
    return { oid, sha256, size: bytes.length, lines: null, eol: null, content: 'binary' };
  let newlines = 0;
  let crlf = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) {
    newlines++;
    if (i > 0 && bytes[i - 1] === 13) crlf++;
  }
  const lines = bytes.length === 0 ? 0 : newlines + (bytes[bytes.length - 1] === 10 ? 0 : 1);
  const eol = newlines === 0 ? null : crlf === 0 ? 'lf' : crlf === newlines ? 'crlf' : 'mixed';
  const content = isUtf8(bytes) ? 'text' : 'invalid-utf8';
  return { oid, sha256, size: bytes.length, lines, eol, content };
}
