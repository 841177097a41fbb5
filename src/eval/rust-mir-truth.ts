/**
 * Truth for Rust calls from the compiler's MIR (`RUSTC_BOOTSTRAP=1 cargo rustc -- -Zunpretty=mir
 * -Zmir-include-spans=yes -Ztrim-diagnostic-paths=no`): every call terminator names its callee by full path and carries
 * the span of the call. Used to measure the precision of the symbols-only Rust plug-in's `name-only` candidates
 * (EVAL.md, "Outline languages"). Requires a Rust toolchain; nothing on the default path runs it.
 */
import { spawnSync } from 'node:child_process';

export interface MirCall {
  /** Repo-relative source file of the call's span (`src/parse.rs`). */
  file: string;
  line: number;
  /** The callee's full path as MIR prints it (`hir::Hir::literal`, `<Foo as Trait>::m`, `std::vec::Vec::<T>::new`). */
  path: string;
  /** The callee's own name (`literal`, `m`, `new`). */
  name: string;
  /** Type names that own the callee (`Hir`; `Foo` and `Trait` for `<Foo as Trait>::m`); empty for a free function. */
  owners: string[];
  /** Defined in the crate (not std, core or alloc). */
  local: boolean;
}

const EXTERNAL_ROOTS = new Set(['std', 'core', 'alloc']);
const CALL =
  /^\s+(?:_\d+ = )?(.+?)\((.*)\) -> (?:\[return|unwind)[^\n]*\/\/ scope \d+ at ([^:\s]+):(\d+):\d+/;

/** Splits a path at top-level `::` (not inside `<…>`). */
function splitPath(path: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (ch === '<') depth++;
    else if (ch === '>' && path[i - 1] !== '-') depth--;
    else if (ch === ':' && path[i + 1] === ':' && depth === 0) {
      parts.push(path.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  parts.push(path.slice(start));
  return parts.filter((p) => p !== '' && !p.startsWith('<') && !p.startsWith('{'));
}

/** The last type-like segment of a path (`a::b::Hir` → `Hir`, generics dropped), or null. */
function typeOf(path: string): string | null {
  const segments = splitPath(path.replace(/^&(mut )?/, ''));
  const last = segments[segments.length - 1];
  if (!last) return null;
  const name = last.replace(/<.*$/, '');
  return /^[A-Z]/.test(name) ? name : null;
}

/** Reads a callee path as MIR prints it. */
export function readCalleePath(path: string): Pick<MirCall, 'name' | 'owners' | 'local'> {
  let self: string | null = null;
  let rest = path;
  if (path.startsWith('<')) {
    let depth = 0;
    let end = 0;
    for (let i = 0; i < path.length; i++) {
      if (path[i] === '<') depth++;
      else if (path[i] === '>' && path[i - 1] !== '-' && --depth === 0) {
        end = i;
        break;
      }
    }
    self = path.slice(1, end);
    rest = path.slice(end + 3);
  }
  const segments = splitPath(rest);
  const name = segments[segments.length - 1] ?? '';
  const owners: string[] = [];
  if (self !== null) {
    const [type, trait] = self.split(' as ');
    for (const t of [type, trait]) {
      const owner = t ? typeOf(t) : null;
      if (owner) owners.push(owner);
    }
  } else {
    const owner = typeOf(segments.slice(0, -1).join('::'));
    if (owner) owners.push(owner);
  }
  const root = (self ?? rest).replace(/^&(mut )?/, '').split('::')[0] ?? '';
  const traitRoot = self?.split(' as ')[1]?.split('::')[0] ?? '';
  const local =
    !EXTERNAL_ROOTS.has(root) &&
    !/^_\d+$/.test(root) &&
    !(self && EXTERNAL_ROOTS.has(root) && EXTERNAL_ROOTS.has(traitRoot));
  return { name, owners, local };
}

/** Every call terminator of a crate's MIR whose span lies in one of its source files (not in std's macros). */
export function parseMirCalls(mir: string): MirCall[] {
  const out: MirCall[] = [];
  for (const line of mir.split('\n')) {
    const m = CALL.exec(line);
    if (!m) continue;
    const path = m[1]!.replace(/^move |^copy /, '');
    const file = m[3]!;
    if (file.startsWith('/') || path === 'drop') continue;
    out.push({ file, line: Number(m[4]), path, ...readCalleePath(path) });
  }
  return out;
}

/** Runs the compiler on a crate and returns its MIR (throws with the compiler's message when it fails). */
export function crateMir(crateDir: string): string {
  const r = spawnSync(
    'cargo',
    [
      'rustc',
      '--offline',
      '--lib',
      '-q',
      '--',
      '-Zunpretty=mir',
      '-Zmir-include-spans=yes',
      '-Ztrim-diagnostic-paths=no',
    ],
    { cwd: crateDir, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, RUSTC_BOOTSTRAP: '1' } },
  );
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`cargo rustc failed in ${crateDir}: ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

export interface NameOnlyMeasurement {
  /** Call sites the tags named, outside macro invocations, by how the resolver left them. */
  sites: Record<string, number>;
  /** Name-only edges (one per call site and target) checked against MIR calls of that name on that line. */
  judged: number;
  correct: number;
  /** Name-only edges on a line where MIR has no call of that name (code compiled out, e.g. `#[cfg(test)]`). */
  notInMir: number;
  /** Of those, the ones inside a module named `tests` (the `#[cfg(test)]` convention). */
  notInMirInTests: number;
  precision: number | null;
  /** MIR calls to the crate's own functions written as calls (`name(` on the line), and how many got a right edge. */
  mirLocalCalls: number;
  recalled: number;
  recall: number | null;
  /** A few wrong edges, for the report: `file:line name → our target (MIR: path)`. */
  wrongExamples: string[];
}

/**
 * Measures name-only candidates against MIR: `facts` are the plug-in's facts of the crate's files (by repo-relative
 * path, as MIR spans name them), `edges` what the resolver drew from them, `texts` the sources.
 */
export function measureNameOnly(input: {
  texts: ReadonlyMap<string, string>;
  symbols: ReadonlyMap<string, { qualifiedName: string; name: string }>;
  edges: ReadonlyArray<{
    callerId: string;
    calleeId: string | null;
    calleeText: string;
    reason: string;
    lines: number[];
  }>;
  mir: readonly MirCall[];
}): NameOnlyMeasurement {
  const lineText = (file: string, line: number): string => input.texts.get(file)?.split('\n')[line - 1] ?? '';
  const isMacro = (file: string, line: number, name: string): boolean =>
    new RegExp(`\\b${name.replace(/[^\w]/g, '')}!\\s*[([{]`).test(lineText(file, line));
  const mirAt = new Map<string, MirCall[]>();
  for (const call of input.mir) {
    const key = `${call.file}:${call.line}:${call.name}`;
    const list = mirAt.get(key);
    if (list) list.push(call);
    else mirAt.set(key, [call]);
  }
  const sites: Record<string, number> = {};
  const recalled = new Set<string>();
  let judged = 0;
  let correct = 0;
  let notInMir = 0;
  let notInMirInTests = 0;
  const wrongExamples: string[] = [];
  for (const edge of input.edges) {
    const file = edge.callerId.slice(0, edge.callerId.indexOf('::'));
    const name = edge.calleeText.split(/\.|::/).pop() ?? edge.calleeText;
    for (const line of edge.lines) {
      if (isMacro(file, line, name)) continue;
      sites[edge.reason] = (sites[edge.reason] ?? 0) + 1;
      if (edge.reason !== 'name-only' || edge.calleeId === null) continue;
      const target = input.symbols.get(edge.calleeId);
      const calls = mirAt.get(`${file}:${line}:${name}`);
      if (!target || !calls) {
        notInMir++;
        if (/(^|\.)tests\./.test(edge.callerId.slice(edge.callerId.indexOf('::') + 2))) notInMirInTests++;
        continue;
      }
      judged++;
      const segments = target.qualifiedName.split('.');
      const owner = segments.length > 1 ? (segments[segments.length - 2] ?? '') : '';
      const targetOwner = /^[A-Z]/.test(owner) ? owner : null;
      const right = calls.some(
        (c) => c.local && (targetOwner === null ? c.owners.length === 0 : c.owners.includes(targetOwner)),
      );
      if (right) {
        correct++;
        recalled.add(`${file}:${line}:${name}`);
      } else if (wrongExamples.length < 12)
        wrongExamples.push(
          `${file}:${line} ${name} → ${target.qualifiedName} (MIR: ${calls.map((c) => c.path).join(' | ')})`,
        );
    }
  }
  const written = new Set<string>();
  for (const call of input.mir) {
    if (!call.local) continue;
    const text = lineText(call.file, call.line);
    if (!new RegExp(`\\b${call.name.replace(/[^\w]/g, '')}\\s*(\\(|::<)`).test(text)) continue;
    written.add(`${call.file}:${call.line}:${call.name}`);
  }
  const recalledWritten = [...written].filter((k) => recalled.has(k)).length;
  return {
    sites,
    judged,
    correct,
    notInMir,
    notInMirInTests,
    precision: judged > 0 ? correct / judged : null,
    mirLocalCalls: written.size,
    recalled: recalledWritten,
    recall: written.size > 0 ? recalledWritten / written.size : null,
    wrongExamples,
  };
}
