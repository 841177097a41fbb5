/**
 * Incremental resolution (issue 16): along long random commit sequences of a generated TypeScript repository (real
 * git, real plug-in, real storage), each commit indexed as the next snapshot of one data dir — reusing the previous
 * resolution where its dependency records say it may — answers exactly as a from-scratch index of the same commit:
 * every symbol, edge, tested-by link and statistic. The edits: bodies (calls), signatures, renames, added and removed
 * files, moved exports, changed imports (direct or through a barrel), class hierarchies and members, tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportSnapshot, exportTarget } from '../../src/service/export-snapshot.js';
import { indexRepository, type IndexResult } from '../../src/service/indexer.js';
import { forgetResolutionMemos } from '../../src/service/resolution-memo.js';
import { openWorkspace } from '../../src/service/workspace.js';
import { FixtureRepo, removeDir, tempDir } from '../helpers/fixture-repo.js';
import { createTempDatabase } from '../helpers/postgres.js';

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A call a function body makes: a function of some file (imported directly or through the barrel), or a method. */
type Call =
  | { kind: 'fn'; file: number; name: string; viaBarrel: boolean }
  | { kind: 'method'; file: number; cls: string; method: string; viaBarrel: boolean }
  | { kind: 'this'; method: string }
  /** Through the interface `I<file>` (its implementations are drawn as interface-impl guesses). */
  | { kind: 'iface'; file: number }
  /** On a receiver of unknown type: a guess by method name among the repository's few `g*` methods. */
  | { kind: 'guess'; method: string };

interface Fn {
  name: string;
  params: number;
  calls: Call[];
}
interface Cls {
  name: string;
  extends: { file: number; name: string } | null;
  /** `implements I<file>` (and then a method `h`). */
  implements: number | null;
  methods: Fn[];
}
interface SourceFile {
  id: number;
  fns: Fn[];
  classes: Cls[];
  inBarrel: boolean;
}
interface TestFile {
  id: number;
  calls: Call[];
}
interface Model {
  files: Map<number, SourceFile>;
  tests: Map<number, TestFile>;
  next: number;
}

const modulePath = (id: number): string => `src/m${id}.ts`;

function renderCall(call: Call): string {
  if (call.kind === 'fn') return `${call.name}(1)`;
  if (call.kind === 'this') return `this.${call.method}(1)`;
  if (call.kind === 'iface') return `via${call.file}.h(1)`;
  if (call.kind === 'guess') return `anyValue.${call.method}(1)`;
  return `new ${call.cls}().${call.method}(1)`;
}

/** Import lines for the calls of one file (the names as called: a renamed or moved one stays dangling). */
function renderImports(self: number | null, calls: Call[], from: string): string[] {
  const bySpec = new Map<string, Set<string>>();
  for (const c of calls) {
    if (c.kind === 'this' || c.kind === 'guess' || c.file === self) continue;
    const spec = c.kind !== 'iface' && c.viaBarrel ? `${from}index.js` : `${from}m${c.file}.js`;
    const names = bySpec.get(spec) ?? new Set<string>();
    names.add(c.kind === 'fn' ? c.name : c.kind === 'iface' ? `I${c.file}` : c.cls);
    bySpec.set(spec, names);
  }
  return [...bySpec].map(([spec, names]) => `import { ${[...names].sort().join(', ')} } from '${spec}';`);
}

function renderFile(f: SourceFile): string {
  const calls = [
    ...f.fns.flatMap((fn) => fn.calls),
    ...f.classes.flatMap((c) => c.methods.flatMap((m) => m.calls)),
  ];
  const bases = f.classes.flatMap((c) => (c.extends && c.extends.file !== f.id ? [c.extends] : []));
  const lines = renderImports(
    f.id,
    [
      ...calls,
      ...bases.map(
        (b) => ({ kind: 'method', file: b.file, cls: b.name, method: '', viaBarrel: false }) as Call,
      ),
      ...f.classes.flatMap((c) =>
        c.implements === null ? [] : [{ kind: 'iface', file: c.implements } as Call],
      ),
    ],
    './',
  );
  lines.push('declare const anyValue: any;', `export interface I${f.id} {`, '  h(p0: number): number;', '}');
  for (const id of new Set(calls.flatMap((c) => (c.kind === 'iface' ? [c.file] : []))))
    lines.push(`declare const via${id}: I${id};`);
  const params = (n: number): string => Array.from({ length: n }, (_, k) => `p${k}: number`).join(', ');
  for (const fn of f.fns)
    lines.push(
      `export function ${fn.name}(${params(fn.params)}): number {`,
      `  return 0${fn.calls.map((c) => ` + ${renderCall(c)}`).join('')};`,
      '}',
    );
  for (const c of f.classes) {
    lines.push(
      `export class ${c.name}${c.extends ? ` extends ${c.extends.name}` : ''}${c.implements === null ? '' : ` implements I${c.implements}`} {`,
    );
    if (c.implements !== null) lines.push('  h(p0: number): number {', '    return p0;', '  }');
    for (const m of c.methods)
      lines.push(
        `  ${m.name}(${params(m.params)}): number {`,
        `    return 0${m.calls.map((x) => ` + ${renderCall(x)}`).join('')};`,
        '  }',
      );
    lines.push('}');
  }
  return `${lines.join('\n')}\n`;
}

function renderTest(t: TestFile): string {
  return [
    `import { expect, test } from 'vitest';`,
    ...renderImports(null, t.calls, '../src/'),
    '',
    `test('case ${t.id}', () => {`,
    ...t.calls.map((c) => `  expect(${renderCall(c)}).toBe(0);`),
    '});',
    '',
  ].join('\n');
}

function renderBarrel(model: Model): string {
  const lines = [...model.files.values()]
    .filter((f) => f.inBarrel)
    .map((f) => `export * from './m${f.id}.js';`);
  return `${lines.join('\n')}\n`;
}

class Mutator {
  constructor(
    readonly model: Model,
    readonly random: () => number,
  ) {}

  pick<T>(list: readonly T[]): T | undefined {
    return list.length === 0 ? undefined : list[Math.floor(this.random() * list.length)];
  }

  sourceFiles(): SourceFile[] {
    return [...this.model.files.values()];
  }

  /** A call to something that exists now (possibly a method of a class that inherits it). */
  randomCall(from: SourceFile | null): Call | undefined {
    // Now and then a call into the file the next add-file edit creates: its import resolves only from then on.
    if (this.random() < 0.08)
      return { kind: 'fn', file: this.model.next, name: `f${this.model.next}_0`, viaBarrel: false };
    if (from !== null && this.random() < 0.1)
      return { kind: 'guess', method: `g${Math.floor(this.random() * 6)}` };
    if (from !== null && this.random() < 0.1) {
      const target = this.pick(this.sourceFiles());
      if (target) return { kind: 'iface', file: target.id };
    }
    const file = this.pick(this.sourceFiles());
    if (!file) return undefined;
    const viaBarrel = file.inBarrel && this.random() < 0.4 && file.id !== from?.id;
    const cls = this.random() < 0.5 ? this.pick(file.classes) : undefined;
    if (cls) {
      const methods = [...cls.methods.map((m) => m.name), 'm0', 'm1', 'm2'];
      return { kind: 'method', file: file.id, cls: cls.name, method: this.pick(methods)!, viaBarrel };
    }
    const fn = this.pick(file.fns);
    return fn ? { kind: 'fn', file: file.id, name: fn.name, viaBarrel } : undefined;
  }

  newFile(): SourceFile {
    const id = this.model.next++;
    const f: SourceFile = { id, fns: [], classes: [], inBarrel: this.random() < 0.6 };
    for (let k = 0; k < 2; k++) f.fns.push({ name: `f${id}_${k}`, params: 1, calls: [] });
    if (this.random() < 0.7) {
      const base = this.pick(this.sourceFiles().filter((s) => s.classes.length > 0));
      const baseCls = base ? this.pick(base.classes) : undefined;
      f.classes.push({
        name: `C${id}`,
        extends: base && baseCls && this.random() < 0.6 ? { file: base.id, name: baseCls.name } : null,
        implements: this.random() < 0.4 ? (this.pick(this.sourceFiles())?.id ?? null) : null,
        methods: [0, 1].map((k) => ({ name: `m${(id + k) % 3}`, params: 1, calls: [] })),
      });
    }
    this.model.files.set(id, f);
    for (const fn of [...f.fns, ...f.classes.flatMap((c) => c.methods)]) {
      const call = this.randomCall(f);
      if (call) fn.calls.push(call);
    }
    return f;
  }

  /** One random edit; returns its name. */
  edit(): string {
    const r = this.random();
    const files = this.sourceFiles();
    const file = this.pick(files)!;
    const callables = [...file.fns, ...file.classes.flatMap((c) => c.methods)];
    if (callables.length === 0) {
      // Every function moved away: the file gets a new one (an exported surface change of its own).
      const fn: Fn = { name: `f${file.id}_${this.model.next++}`, params: 1, calls: [] };
      file.fns.push(fn);
      callables.push(fn);
    }
    if (r < 0.25) {
      const fn = this.pick(callables)!;
      const call =
        this.random() < 0.3 && file.classes.length > 0
          ? ({ kind: 'this', method: `m${Math.floor(this.random() * 3)}` } as Call)
          : this.randomCall(file);
      if (this.random() < 0.3 && fn.calls.length > 0) fn.calls.pop();
      else if (call) fn.calls.push(call);
      return 'body';
    }
    if (r < 0.35) {
      this.pick(callables)!.params = Math.floor(this.random() * 3);
      return 'signature';
    }
    if (r < 0.45) {
      const fn = this.pick(file.fns);
      if (fn) fn.name = `${fn.name.split('$')[0]}$${this.model.next++}`;
      return 'rename';
    }
    if (r < 0.55) {
      this.newFile();
      return 'add-file';
    }
    if (r < 0.62 && files.length > 4) {
      this.model.files.delete(file.id);
      return 'remove-file';
    }
    if (r < 0.7) {
      const other = this.pick(files.filter((f) => f.id !== file.id));
      const fn = file.fns.pop();
      if (other && fn) other.fns.push(fn);
      else if (fn) file.fns.push(fn);
      return 'move-export';
    }
    if (r < 0.78) {
      file.inBarrel = !file.inBarrel;
      for (const f of files)
        for (const fn of [...f.fns, ...f.classes.flatMap((c) => c.methods)])
          for (const c of fn.calls)
            if ((c.kind === 'fn' || c.kind === 'method') && this.random() < 0.3) c.viaBarrel = !c.viaBarrel;
      return 'imports';
    }
    if (r < 0.88) {
      const cls = this.pick(files.flatMap((f) => f.classes));
      if (cls) {
        const base = this.pick(files.filter((f) => f.classes.length > 0 && !f.classes.includes(cls)));
        const baseCls = base ? this.pick(base.classes) : undefined;
        if (this.random() < 0.5) cls.implements = this.random() < 0.7 ? (this.pick(files)?.id ?? null) : null;
        else
          cls.extends = base && baseCls && this.random() < 0.7 ? { file: base.id, name: baseCls.name } : null;
      }
      return 'hierarchy';
    }
    if (r < 0.94) {
      const cls = this.pick(files.flatMap((f) => f.classes));
      if (cls) {
        const k = Math.floor(this.random() * 9);
        const name = k < 3 ? `m${k}` : `g${k - 3}`;
        const at = cls.methods.findIndex((m) => m.name === name);
        if (at >= 0) cls.methods.splice(at, 1);
        else cls.methods.push({ name, params: 1, calls: [] });
      }
      return 'members';
    }
    const t = this.pick([...this.model.tests.values()]);
    if (t && this.random() < 0.5) {
      const call = this.randomCall(null);
      if (call) t.calls.push(call);
    } else {
      const id = this.model.next++;
      const call = this.randomCall(null);
      this.model.tests.set(id, { id, calls: call ? [call] : [] });
    }
    return 'tests';
  }
}

function writeModel(repo: FixtureRepo, model: Model, written: Set<string>): void {
  const now = new Map<string, string>();
  for (const f of model.files.values()) now.set(modulePath(f.id), renderFile(f));
  for (const t of model.tests.values()) now.set(`test/t${t.id}.test.ts`, renderTest(t));
  now.set('src/index.ts', renderBarrel(model));
  for (const path of written) if (!now.has(path)) repo.remove(path);
  written.clear();
  for (const [path, text] of now) {
    repo.write(path, text);
    written.add(path);
  }
}

/** Every stored answer of a commit's snapshot: symbols and edges (export), tested-by of every symbol, statistics. */
async function answers(
  dataDir: string,
  repoId: string,
  commit: string,
  database?: string,
): Promise<string[]> {
  const ws = openWorkspace(dataDir, database === undefined ? {} : { database });
  try {
    const { repo, snapshot } = await exportTarget(ws, repoId, commit);
    const lines: string[] = [];
    const ids: string[] = [];
    for await (const line of exportSnapshot(ws, repo, snapshot)) {
      lines.push(JSON.stringify(line));
      if (line.type === 'symbol') ids.push(line.id);
    }
    const reach = await ws.storage.reader.testsReaching(snapshot.id, ids);
    for (const r of reach) lines.push(`tested ${JSON.stringify(r)}`);
    lines.push(`stats ${JSON.stringify(await ws.storage.reader.snapshotStats(snapshot.id))}`);
    return lines.sort();
  } finally {
    await ws.close();
  }
}

async function runSequence(opts: {
  seed: number;
  commits: number;
  /** Assert that the sequence made every kind of edit (the long ones). */
  everyEdit?: boolean;
  /** Reasons some edge of the sequence must have had. */
  reasons?: string[];
  database?: () => Promise<{ url: string; drop(): Promise<void> }>;
}): Promise<void> {
  const work = tempDir('incr-seq-src');
  const incremental = tempDir('incr-seq-data');
  const dirs = [work, incremental];
  const drops: Array<() => Promise<void>> = [];
  const newDatabase = async (): Promise<string | undefined> => {
    if (!opts.database) return undefined;
    const db = await opts.database();
    drops.push(db.drop);
    return db.url;
  };
  try {
    const random = seeded(opts.seed);
    const model: Model = { files: new Map(), tests: new Map(), next: 0 };
    const mutator = new Mutator(model, random);
    for (let k = 0; k < 12; k++) mutator.newFile();
    for (let k = 0; k < 3; k++) mutator.edit();
    const repo = FixtureRepo.init(work);
    const written = new Set<string>();
    writeModel(repo, model, written);
    repo.write('package.json', '{ "name": "seq", "type": "module", "devDependencies": { "vitest": "1" } }\n');
    repo.commit('start');
    const repoId = `example.com/o/seq${opts.seed}`;
    const incrementalDb = await newDatabase();
    const index = (dataDir: string, database: string | undefined): Promise<IndexResult> =>
      indexRepository({
        dataDir,
        source: work,
        name: repoId,
        ...(database === undefined ? {} : { database }),
      });
    await index(incremental, incrementalDb);
    let reusedTotal = 0;
    let reusedFromFile = 0;
    const reasons = new Set<string>();
    let resolvedTotal = 0;
    const edits: string[] = [];
    for (let c = 1; c <= opts.commits; c++) {
      const made = Array.from({ length: 1 + Math.floor(random() * 3) }, () => mutator.edit());
      edits.push(...made);
      writeModel(repo, model, written);
      const commit = repo.commit(`step ${c}: ${made.join(', ')}`);
      // Now and then a fresh process: the memo comes from the data dir, not from memory.
      if (c % 4 === 0) forgetResolutionMemos();
      const inc = await index(incremental, incrementalDb);
      reusedTotal += inc.reusedResolutions ?? 0;
      if (c % 4 === 0) reusedFromFile += inc.reusedResolutions ?? 0;
      resolvedTotal += inc.files - (inc.reusedResolutions ?? 0);
      const full = tempDir('incr-seq-full');
      dirs.push(full);
      const fullDb = await newDatabase();
      const scratch = await index(full, fullDb);
      assert.equal(scratch.reusedResolutions ?? 0, 0, 'a fresh data dir has nothing to reuse');
      const a = await answers(incremental, repoId, commit, incrementalDb);
      const b = await answers(full, repoId, commit, fullDb);
      assert.deepEqual(a, b, `commit ${c} (${made.join(', ')}): incremental and full answers differ`);
      for (const line of b)
        if (line.startsWith('{"type":"edge"')) reasons.add((JSON.parse(line) as { reason: string }).reason);
      removeDir(full);
      await drops.pop()?.();
    }
    // The sequence must exercise reuse (else it proves nothing) and must re-resolve what changed.
    assert.ok(reusedTotal > 0, 'some files kept their previous resolution');
    assert.ok(resolvedTotal > 0, 'some files were resolved again');
    assert.ok(reusedFromFile > 0, "a fresh process reused the data dir's memo");
    // Among them, the guesses whose inputs are repo-wide (names, subtypes): their dependency keys were exercised.
    for (const reason of opts.reasons ?? [])
      assert.ok(
        reasons.has(reason),
        `some edge was resolved as ${reason} (seen: ${[...reasons].join(', ')})`,
      );
    if (opts.everyEdit)
      for (const kind of [
        'body',
        'signature',
        'rename',
        'add-file',
        'remove-file',
        'move-export',
        'imports',
        'hierarchy',
        'members',
        'tests',
      ])
        assert.ok(edits.includes(kind), `the sequence made a ${kind} edit`);
  } finally {
    for (const d of dirs) removeDir(d);
    for (const drop of drops) await drop();
  }
}

test('incremental == full along a long random commit sequence (SQLite)', async () => {
  await runSequence({
    seed: 7,
    commits: 30,
    everyEdit: true,
    reasons: ['import', 'same-file', 'receiver-typed', 'interface'],
  });
});

test('incremental == full along a second random commit sequence (SQLite)', async () => {
  await runSequence({
    seed: 1234,
    commits: 30,
    everyEdit: true,
    reasons: ['import', 'same-file', 'receiver-typed', 'interface', 'interface-impl', 'name-only'],
  });
});

test('incremental == full along a random commit sequence (PostgreSQL)', async () => {
  await runSequence({ seed: 99, commits: 12, database: () => createTempDatabase('codehub_incr_seq') });
});

test('a class that starts implementing an interface re-resolves the unchanged callers of that interface', async () => {
  const work = tempDir('incr-impl-src');
  const incremental = tempDir('incr-impl-data');
  const full = tempDir('incr-impl-full');
  try {
    const repo = FixtureRepo.withFiles(
      work,
      {
        'src/a.ts': 'export interface Shape {\n  area(): number;\n}\n',
        'src/b.ts':
          "import type { Shape } from './a.js';\ndeclare const shape: Shape;\nexport function measure(): number {\n  return shape.area();\n}\n",
        'src/c.ts': 'export class Square {\n  area(): number {\n    return 4;\n  }\n}\n',
      },
      'start',
    );
    const repoId = 'example.com/o/impl';
    await indexRepository({ dataDir: incremental, source: work, name: repoId });
    repo.write(
      'src/c.ts',
      "import type { Shape } from './a.js';\nexport class Square implements Shape {\n  area(): number {\n    return 4;\n  }\n}\n",
    );
    const commit = repo.commit('Square implements Shape');
    const inc = await indexRepository({ dataDir: incremental, source: work, name: repoId });
    await indexRepository({ dataDir: full, source: work, name: repoId });
    assert.equal(inc.reusedResolutions, 1, 'only the interface file kept its resolution');
    const a = await answers(incremental, repoId, commit);
    assert.ok(
      a.some((l) => l.includes('"reason":"interface-impl"') && l.includes('src/c.ts::Square.area')),
      'the unchanged caller now also reaches the implementation',
    );
    assert.deepEqual(a, await answers(full, repoId, commit));
  } finally {
    for (const d of [work, incremental, full]) removeDir(d);
  }
});

test("a body change that moves the lines of a file's exports re-resolves that file only, and stays exact", async () => {
  const work = tempDir('incr-lines-src');
  const incremental = tempDir('incr-lines-data');
  const full = tempDir('incr-lines-full');
  try {
    const a = (extra: string): string =>
      `export function first(n: number): number {\n${extra}  return n + 1;\n}\nexport const second = (n: number): number => first(n) * 2;\n`;
    const repo = FixtureRepo.withFiles(
      work,
      {
        'src/a.ts': a(''),
        'src/b.ts':
          "import { first, second } from './a.js';\nexport function both(): number {\n  return first(1) + second(2);\n}\n",
        'src/c.ts': "import { both } from './b.js';\nexport function run(): number {\n  return both();\n}\n",
      },
      'start',
    );
    const repoId = 'example.com/o/lines';
    await indexRepository({ dataDir: incremental, source: work, name: repoId });
    repo.write('src/a.ts', a('  const unused = 1;\n  void unused;\n'));
    const commit = repo.commit('two lines above the second export');
    const inc = await indexRepository({ dataDir: incremental, source: work, name: repoId });
    await indexRepository({ dataDir: full, source: work, name: repoId });
    assert.equal(
      inc.reusedResolutions,
      2,
      'b.ts and c.ts kept their resolution: no edge of theirs depends on a line of a.ts',
    );
    const answered = await answers(incremental, repoId, commit);
    assert.ok(answered.some((l) => l.includes('src/b.ts::both') && l.includes('src/a.ts::second')));
    assert.deepEqual(answered, await answers(full, repoId, commit));
  } finally {
    for (const d of [work, incremental, full]) removeDir(d);
  }
});

test('Go: methods declared in another file, package-scope names and structural interfaces stay exact incrementally', async () => {
  const work = tempDir('incr-go-src');
  const incremental = tempDir('incr-go-data');
  const dirs = [work, incremental];
  try {
    const repo = FixtureRepo.withFiles(
      work,
      {
        'go.mod': 'module example.com/shapes\n\ngo 1.21\n',
        'shape/shape.go':
          'package shape\n\ntype Shape interface{ Area() int }\n\ntype Square struct{}\n\nfunc Use(s Shape) int { return s.Area() }\n\nfunc Make() *Square { return &Square{} }\n',
        'shape/use.go': 'package shape\n\nfunc Run() int {\n\tq := Make()\n\treturn q.Area() + helper()\n}\n',
      },
      'start',
    );
    const repoId = 'example.com/o/go-incr';
    await indexRepository({ dataDir: incremental, source: work, name: repoId });
    const steps: Array<[string, () => void]> = [
      [
        'a method of Square and helper declared in a new file of the package',
        () =>
          repo.write(
            'shape/square.go',
            'package shape\n\nfunc (q *Square) Area() int { return 4 }\n\nfunc helper() int { return 1 }\n',
          ),
      ],
      [
        'a second type satisfies Shape',
        () =>
          repo.write(
            'shape/circle.go',
            'package shape\n\ntype Circle struct{}\n\nfunc (c Circle) Area() int { return 3 }\n',
          ),
      ],
      [
        'a file of another package',
        () => repo.write('other/other.go', 'package other\n\nfunc Other() int { return 2 }\n'),
      ],
      [
        // Only the interface's structural implementations change for shape.go: its package is as it was.
        'a type of the other package satisfies Shape',
        () =>
          repo.write(
            'other/other.go',
            'package other\n\nfunc Other() int { return 2 }\n\ntype Tri struct{}\n\nfunc (t Tri) Area() int { return 1 }\n',
          ),
      ],
      ['the methods file goes', () => repo.remove('shape/square.go')],
    ];
    const reasons = new Set<string>();
    let reused = 0;
    for (const [what, change] of steps) {
      change();
      const commit = repo.commit(what);
      const inc = await indexRepository({ dataDir: incremental, source: work, name: repoId });
      reused += inc.reusedResolutions ?? 0;
      const full = tempDir('incr-go-full');
      dirs.push(full);
      await indexRepository({ dataDir: full, source: work, name: repoId });
      const a = await answers(incremental, repoId, commit);
      assert.deepEqual(a, await answers(full, repoId, commit), `after "${what}"`);
      for (const line of a)
        if (line.startsWith('{"type":"edge"')) reasons.add((JSON.parse(line) as { reason: string }).reason);
    }
    assert.ok(reused > 0, 'the unchanged package kept its resolution when another package changed');
    for (const reason of ['same-file', 'receiver-typed', 'interface', 'interface-impl'])
      assert.ok(
        reasons.has(reason),
        `some edge was resolved as ${reason} (seen: ${[...reasons].join(', ')})`,
      );
  } finally {
    for (const d of dirs) removeDir(d);
  }
});
