/**
 * Real Go corpora for the accuracy eval: the Go sources Debian bookworm ships in `golang-*-dev` packages (under
 * `usr/share/gocode/src/<import path>`), pinned by exact Debian version, fetched with `apt-get download` and
 * unpacked with `dpkg -x` at eval time into `bench/.corpora/` (gitignored), then committed as git repositories
 * with a fixed identity and date. The truth (src/eval/go-truth.ts) needs Debian's `golang-go` and
 * `golang-golang-x-tools`:
 *
 *     apt-get install -y golang-go golang-golang-x-tools
 *
 * Each corpus imports only the standard library, so no other package is needed. Each is declared `tuned` (the Go
 * resolver may be looked at and adjusted against it, and calibration pools it) or `held out` (only measured; issue
 * 18's targets are judged there). Never fetched by `npm test`; never committed to this project.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CorpusRole } from '../src/eval/report.js';
import { corporaRoot, walkFiles, type PreparedCorpus } from './corpora.js';
import { copyFile, downloadDebianPackage, prepareCachedCorpus } from './debian-packages.js';

/** One pinned Debian package whose Go module makes a corpus. */
export interface DebianGoCorpusSpec {
  /** Short name used in tables, folder names and `--only`. */
  name: string;
  /** Debian binary package. */
  pkg: string;
  /** Exact Debian version (`apt-get download pkg=version`); never a range. */
  version: string;
  /** The module's import path: its directory under usr/share/gocode/src. */
  importPath: string;
  role: CorpusRole;
  /** Why this code base is in the set. */
  note: string;
}

/**
 * The pinned Go corpora (Debian bookworm); four are held out. Each imports only the standard library (yaml.v2 was
 * left out: its tests import gopkg.in/check.v1, which would need more packages for the truth to type-check).
 */
export const GO_CORPORA: readonly DebianGoCorpusSpec[] = [
  {
    name: 'pflag',
    pkg: 'golang-github-spf13-pflag-dev',
    version: '1.0.6~git20210604-d5e0c0615ace-1',
    importPath: 'github.com/spf13/pflag',
    role: 'tuned',
    note: 'flag parsing: one large package, a method set per value type, many same-package calls across files',
  },
  {
    name: 'mux',
    pkg: 'golang-github-gorilla-mux-dev',
    version: '1.8.0-1',
    importPath: 'github.com/gorilla/mux',
    role: 'tuned',
    note: 'HTTP router: builder methods returning receivers, interfaces, closures, table-driven tests',
  },
  {
    name: 'go-cmp',
    pkg: 'golang-github-google-go-cmp-dev',
    version: '0.5.9-1',
    importPath: 'github.com/google/go-cmp',
    role: 'held out',
    note: 'deep comparison: several packages with internal/ packages, reflection, options as interfaces',
  },
  {
    name: 'toml',
    pkg: 'golang-github-burntsushi-toml-dev',
    version: '1.2.0-2',
    importPath: 'github.com/BurntSushi/toml',
    role: 'held out',
    note: 'TOML codec: lexer state functions, a parser, encoder, internal packages',
  },
  {
    name: 'uuid',
    pkg: 'golang-github-google-uuid-dev',
    version: '1.3.0-1',
    importPath: 'github.com/google/uuid',
    role: 'held out',
    note: 'UUID library: one package, value types with methods, many small functions across files',
  },
  {
    name: 'httprouter',
    pkg: 'golang-github-julienschmidt-httprouter-dev',
    version: '1.3.0-2',
    importPath: 'github.com/julienschmidt/httprouter',
    role: 'held out',
    note: 'HTTP router: a radix tree of nodes, recursive methods, handlers as function values',
  },
];

/** Go sources of a corpus. */
export function isGoSource(file: string): boolean {
  return file.endsWith('.go');
}

/**
 * Fetches `pkg=version` with `apt-get download`, unpacks it with `dpkg -x`, keeps the module's directory (Go
 * sources, go.mod, test data) and the package's copyright file, and commits it under `<root>/<name>@<version>`.
 * Cached.
 */
export function prepareGoCorpus(spec: DebianGoCorpusSpec, root = corporaRoot()): PreparedCorpus {
  const id = `go-${spec.name}@${spec.version.replace(/[^A-Za-z0-9.+-]/g, '_')}`;
  return prepareCachedCorpus(id, root, 'codehub-gocorpus-', isGoSource, (temp, staging) => {
    const unpacked = downloadDebianPackage(spec.pkg, spec.version, temp);
    const from = join(unpacked, 'usr', 'share', 'gocode', 'src', ...spec.importPath.split('/'));
    if (!existsSync(from))
      throw new Error(`${spec.pkg} ${spec.version} has no usr/share/gocode/src/${spec.importPath}`);
    for (const file of walkFiles(from)) copyFile(file, join(staging, relative(from, file)));
    const copyright = join(unpacked, 'usr', 'share', 'doc', spec.pkg, 'copyright');
    if (existsSync(copyright)) copyFile(copyright, join(staging, 'COPYRIGHT.debian'));
    return `${spec.pkg} ${spec.version} from Debian (module ${spec.importPath})`;
  });
}
