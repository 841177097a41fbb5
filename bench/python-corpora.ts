/**
 * Real Python corpora for the accuracy eval: the Python sources of Debian bookworm `python3-*` packages, pinned by
 * exact Debian version, fetched with `apt-get download` and unpacked with `dpkg -x` at eval time into
 * `bench/.corpora/` (gitignored), then committed as git repositories with a fixed identity and date, so the same
 * version always gives the same commit. Never fetched by `npm test`; never committed to this project.
 *
 * Each corpus is declared `tuned` (the Python resolver may be looked at and adjusted against it, and calibration
 * pools it) or `held out` (only measured; the targets of issue 14 are judged there).
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CorpusRole } from '../src/eval/report.js';
import { corporaRoot, walkFiles, type PreparedCorpus } from './corpora.js';
import { copyFile, downloadDebianPackage, prepareCachedCorpus } from './debian-packages.js';

/** One pinned Debian package whose Python sources make a corpus. */
export interface DebianPythonCorpusSpec {
  /** Short name used in tables, folder names and `--only`. */
  name: string;
  /** Debian binary package. */
  pkg: string;
  /** Exact Debian version (`apt-get download pkg=version`); never a range. */
  version: string;
  /** Top-level import packages kept from `usr/lib/python3/dist-packages/`. */
  modules: string[];
  role: CorpusRole;
  /** Why this code base is in the set. */
  note: string;
}

/** The pinned Python corpora (Debian bookworm); at least two are held out. */
export const PYTHON_CORPORA: readonly DebianPythonCorpusSpec[] = [
  {
    name: 'click',
    pkg: 'python3-click',
    version: '8.1.3-2',
    modules: ['click'],
    role: 'tuned',
    note: 'command-line toolkit: classes with many methods, decorators, cross-module helpers',
  },
  {
    name: 'markdown',
    pkg: 'python3-markdown',
    version: '3.4.1-2+deb12u1',
    modules: ['markdown'],
    role: 'tuned',
    note: 'parser with processor class hierarchies and an extensions package',
  },
  {
    name: 'jinja2',
    pkg: 'python3-jinja2',
    version: '3.1.2-1+deb12u3',
    modules: ['jinja2'],
    // Held out until its misses were studied to find the shapes the resolver lacked; tuned since.
    role: 'tuned',
    note: 'template engine: compiler, visitors, a deep class hierarchy',
  },
  {
    name: 'requests',
    pkg: 'python3-requests',
    version: '2.28.1+dfsg-1',
    modules: ['requests'],
    role: 'held out',
    note: 'HTTP library: sessions, adapters, models; many calls into external packages',
  },
  {
    name: 'attrs',
    pkg: 'python3-attr',
    version: '22.2.0-1',
    modules: ['attr', 'attrs'],
    role: 'held out',
    note: 'class builder: generated methods, re-exports through a second top-level package',
  },
  {
    name: 'yaml',
    pkg: 'python3-yaml',
    version: '6.0-3+b2',
    modules: ['yaml'],
    role: 'held out',
    note: 'YAML parser: a scanner/parser/composer pipeline of mixin classes, star imports limited by __all__',
  },
  {
    name: 'packaging',
    pkg: 'python3-packaging',
    version: '23.0-1',
    modules: ['packaging'],
    role: 'held out',
    note: 'version and requirement parsing: typed functions, a tokenizer, small value classes',
  },
  {
    name: 'docutils',
    pkg: 'python3-docutils',
    version: '0.19+dfsg-6',
    modules: ['docutils'],
    role: 'held out',
    note: 'document processing: node trees, visitors, many subpackages with plug-in modules, little annotation',
  },
];

const PYTHON_SOURCE = /\.pyi?$/;
const DIST_PACKAGES = join('usr', 'lib', 'python3', 'dist-packages');

/** The Python sources of a corpus: `.py` and `.pyi` files. */
export function isPythonSource(file: string): boolean {
  return PYTHON_SOURCE.test(file);
}

/**
 * Fetches `pkg=version` with `apt-get download`, unpacks it with `dpkg -x`, keeps the Python sources of the listed
 * modules (and the package's copyright file), and commits them under `<root>/<name>@<version>`. Cached.
 */
export function preparePythonCorpus(spec: DebianPythonCorpusSpec, root = corporaRoot()): PreparedCorpus {
  const id = `py-${spec.name}@${spec.version}`;
  return prepareCachedCorpus(id, root, 'codehub-pycorpus-', isPythonSource, (temp, staging) => {
    const unpacked = downloadDebianPackage(spec.pkg, spec.version, temp);
    for (const module of spec.modules) {
      const from = join(unpacked, DIST_PACKAGES, module);
      if (!existsSync(from)) throw new Error(`${spec.pkg} ${spec.version} has no ${DIST_PACKAGES}/${module}`);
      for (const file of walkFiles(from)) {
        if (!isPythonSource(file)) continue;
        copyFile(file, join(staging, module, relative(from, file)));
      }
    }
    const copyright = join(unpacked, 'usr', 'share', 'doc', spec.pkg, 'copyright');
    if (existsSync(copyright)) copyFile(copyright, join(staging, 'COPYRIGHT'));
    return `${spec.pkg} ${spec.version} from Debian (Python sources only)`;
  });
}
