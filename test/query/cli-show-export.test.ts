import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync } from 'node:zlib';
import { createQueryService } from '../../src/service/query-service.js';
import { blobFile, buildFixture, COMMIT, EDGES, ID, REPO, type Fixture } from './query-fixture.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BIN = join(ROOT, 'bin', 'codehub.js');

function codehub(
  dataDir: string,
  ...args: string[]
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args, '--data', dataDir], {
    encoding: 'utf8',
    env: { ...process.env, CODEHUB_DATA: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('codehub show and export', () => {
  let fx: Fixture;
  before(async () => {
    fx = await buildFixture();
  });
  after(() => fx.ws.close());

  it('prints what the seed page shows, in its order', () => {
    const r = codehub(fx.dataDir, 'show', REPO, 'Service.startFlow');
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout;
    const order = [
      'Method startFlow',
      'Service.startFlow',
      'src/service.ts:7–16',
      `https://github.com/acme/flows/blob/${COMMIT}/src/service.ts#L7-L16`,
      '(id: string) → number',
      `hash-verified (sha256 ${fx.blobOf['src/service.ts']})`,
      ' 7    startFlow(id: string): number {',
      '16    }',
      'Callers 2',
      'Calls 5',
      'Unresolved calls 2',
      'Tested by 1',
      'Service > starts a flow',
    ];
    let at = -1;
    for (const s of order) {
      const next = out.indexOf(s, at + 1);
      assert.ok(next > at, `expected '${s}' after position ${at} in:\n${out}`);
      at = next;
    }
    const calls = out
      .slice(out.indexOf('Calls 5'))
      .split('\n')
      .slice(1, 6)
      .map((l) => l.trim().split(/\s+/).slice(0, 4));
    assert.deepEqual(calls, [
      ['helperA', 'Function', '0.90', 'import'],
      ['helperB', 'Function', '0.90', 'import'],
      ['localHelper', 'Function', '0.85', 'same-file'],
      ['finish', 'Method', '0.80', 'receiver-typed'],
      ['register', 'Method', '0.80', 'receiver-typed'],
    ]);
  });

  it('says nothing calls a symbol, that this is a lower bound, and that no test covers it', () => {
    const r = codehub(fx.dataDir, 'show', REPO, ID.otherRegister);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /nothing calls this directly/);
    assert.match(r.stdout, /lower bound: 1 unresolved call site in the repo could be calls to register/);
    assert.match(r.stdout, /no test coverage detected/);
  });

  it('prints ShowResult exactly with --json', async () => {
    const r = codehub(fx.dataDir, 'show', REPO, 'src/service.ts:9', '--json');
    assert.equal(r.code, 0, r.stderr);
    const expected = JSON.parse(JSON.stringify(await createQueryService(fx.ws).show(REPO, ID.startFlow)));
    assert.deepEqual(JSON.parse(r.stdout), expected);
  });

  it('lists the candidates of an ambiguous name and exits 6', () => {
    const r = codehub(fx.dataDir, 'show', REPO, 'register');
    assert.equal(r.code, 6);
    assert.match(r.stderr, /names 2 symbols/);
    assert.ok(r.stdout.includes(ID.register) && r.stdout.includes(ID.otherRegister), r.stdout);
    const j = codehub(fx.dataDir, 'show', REPO, 'register', '--json');
    assert.equal(j.code, 6);
    assert.equal(JSON.parse(j.stdout).error.candidates.length, 2);
  });

  it('names the closest symbols and repos when they are unknown', () => {
    const s = codehub(fx.dataDir, 'show', REPO, 'startFlw', '--json');
    assert.equal(s.code, 6);
    assert.ok(JSON.parse(s.stdout).error.closest.includes('startFlow'));
    const repo = codehub(fx.dataDir, 'show', 'github.com/acme/flow', 'x');
    assert.equal(repo.code, 6);
    assert.match(repo.stderr, /closest: github\.com\/acme\/flows/);
    const trav = codehub(fx.dataDir, 'show', REPO, '../../etc/passwd:1');
    assert.equal(trav.code, 2);
  });

  it('shows a corrupted blob as an error block with no source and exits 3', async () => {
    const bad = await buildFixture();
    try {
      const sha = bad.blobOf['src/helpers.ts'] ?? '';
      writeFileSync(blobFile(bad.dataDir, sha), brotliCompressSync(Buffer.from('tampered\n')));
      const r = codehub(bad.dataDir, 'show', REPO, 'helperA');
      assert.equal(r.code, 3);
      assert.match(r.stdout, new RegExp(`Source NOT shown: blob ${sha} failed verification`));
      assert.doesNotMatch(r.stdout, /tampered|return deepHelper/);
      assert.match(r.stdout, /Calls 1/);
    } finally {
      bad.ws.close();
    }
  });

  it('exports every symbol and edge as one JSON object per line', () => {
    const r = codehub(fx.dataDir, 'export', REPO);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const symbols = lines.filter((l) => l.type === 'symbol');
    const edges = lines.filter((l) => l.type === 'edge');
    assert.equal(symbols.length, 19);
    assert.equal(edges.length, EDGES.length);
    assert.equal(lines.length, symbols.length + edges.length);
    const start = symbols.find((s) => s.id === ID.startFlow);
    assert.equal(start.permalink, `https://github.com/acme/flows/blob/${COMMIT}/src/service.ts#L7-L16`);
    assert.equal(start.blobSha256, fx.blobOf['src/service.ts']);
    const reg = edges.find((e) => e.calleeId === ID.register);
    assert.deepEqual(reg, {
      type: 'edge',
      callerId: ID.startFlow,
      callerPath: 'src/service.ts',
      callerLine: 7,
      calleeId: ID.register,
      calleePath: 'src/registry.ts',
      calleeLine: 2,
      calleeText: 'this.flows.register',
      kind: 'call',
      reason: 'receiver-typed',
      confidence: 0.8,
      callLines: [11],
    });
    const unresolved = edges.find((e) => e.calleeText === 'fetch');
    assert.equal(unresolved.calleeId, null);
    assert.equal(unresolved.calleePath, null);
    assert.equal(unresolved.reason, 'builtin');
  });

  it('exports the snapshot of a given commit and refuses an unknown one', () => {
    assert.equal(codehub(fx.dataDir, 'export', REPO, '--ref', COMMIT.slice(0, 8)).code, 0);
    const r = codehub(fx.dataDir, 'export', REPO, '--ref', 'deadbeef');
    assert.equal(r.code, 5);
    assert.match(r.stderr, /c0ffee000000/);
  });
});
