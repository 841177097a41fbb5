/**
 * Real Java corpora for the accuracy eval: the upstream sources of Debian bookworm source packages, pinned by exact
 * Debian version. The system's apt lists have only binary (`deb`) lines, so a private apt configuration under
 * `bench/.corpora/.apt/` adds `deb-src` lines for the same mirror; `apt-get source --download-only` fetches the
 * upstream tarball, which is unpacked (Debian's patches are not applied: the upstream code is the corpus) and whose
 * `src/main/java` trees are committed as a git repository with a fixed identity and date under `bench/.corpora/`
 * (gitignored). Never fetched by `npm test`; never committed to this project.
 *
 * Each corpus compiles offline with javac 17 and the jars Debian installs in /usr/share/java (java-truth.ts compiles
 * it again for the truth). Each is declared `tuned` (the Java resolver may be looked at and adjusted against it, and
 * calibration pools it) or `held out` (only measured; issue 18's targets are judged there).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { CorpusRole } from '../src/eval/report.js';
import { corporaRoot, walkFiles, type PreparedCorpus } from './corpora.js';
import { copyFile, prepareCachedCorpus } from './debian-packages.js';

export interface DebianJavaCorpusSpec {
  name: string;
  /** Debian source package. */
  source: string;
  /** Exact Debian version; never a range. */
  version: string;
  role: CorpusRole;
  note: string;
}

/** The pinned Java corpora (Debian bookworm): two tuned, three held out. */
export const JAVA_CORPORA: readonly DebianJavaCorpusSpec[] = [
  {
    name: 'jsoup',
    source: 'jsoup',
    version: '1.15.3-1',
    role: 'tuned',
    note: 'HTML parser: a node class hierarchy, a state machine of enums with bodies, builders and overloads',
  },
  {
    name: 'commons-csv',
    source: 'commons-csv',
    version: '1.9.0-1',
    role: 'tuned',
    note: 'CSV reader and printer: a builder, a format enum, many overloads of print',
  },
  {
    name: 'commons-lang3',
    source: 'libcommons-lang3-java',
    version: '3.12.0-2+deb12u1',
    role: 'held out',
    note: 'utility classes: hundreds of static overloads by primitive type, generics, nested builders',
  },
  {
    name: 'commons-io',
    source: 'commons-io',
    version: '2.11.0-2',
    role: 'held out',
    note: 'I/O utilities: stream class hierarchies, file filters through interfaces, static helpers',
  },
  {
    name: 'jcommander',
    source: 'jcommander',
    version: '1.71-4',
    role: 'held out',
    note: 'command-line parsing: annotations, converters through interfaces and reflection',
  },
];

const JAVA_SOURCE = /\.java$/;

/** The Java sources of a corpus. */
export function isJavaSource(file: string): boolean {
  return JAVA_SOURCE.test(file);
}

/** apt-get with a private state directory whose sources list has `deb-src` lines for Debian bookworm. */
function aptSource(root: string): string[] {
  const apt = join(root, '.apt');
  const list = join(apt, 'sources.list');
  mkdirSync(join(apt, 'lists', 'partial'), { recursive: true });
  mkdirSync(join(apt, 'cache', 'archives', 'partial'), { recursive: true });
  writeFileSync(list, 'deb-src http://deb.debian.org/debian bookworm main\n');
  const options = [
    '-o',
    `Dir::Etc::SourceList=${list}`,
    '-o',
    'Dir::Etc::SourceParts=/dev/null',
    '-o',
    `Dir::State::Lists=${join(apt, 'lists')}`,
    '-o',
    `Dir::Cache=${join(apt, 'cache')}`,
    '-o',
    'Debug::NoLocking=1',
  ];
  if (!readdirSync(join(apt, 'lists')).some((f) => f.includes('Sources'))) {
    execFileSync('apt-get', [...options, 'update'], { stdio: ['ignore', 'pipe', 'pipe'] });
  }
  return options;
}

/**
 * Fetches the upstream tarball of `source=version`, keeps every `src/main/java` tree (each module of a multi-module
 * build) and commits it under `<root>/java-<name>@<version>`. Cached.
 */
export function prepareJavaCorpus(spec: DebianJavaCorpusSpec, root = corporaRoot()): PreparedCorpus {
  const id = `java-${spec.name}@${spec.version}`;
  return prepareCachedCorpus(id, root, 'codehub-javacorpus-', isJavaSource, (temp, staging) => {
    const options = aptSource(root);
    try {
      execFileSync('apt-get', [...options, 'source', '--download-only', `${spec.source}=${spec.version}`], {
        cwd: temp,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      // The Debian packaging tarball may be missing from a mirror; the upstream one is all the corpus needs.
      if (!readdirSync(temp).some((f) => f.includes('.orig.tar'))) {
        const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
        throw new Error(`apt-get source ${spec.source}=${spec.version} failed${stderr ? `: ${stderr}` : ''}`);
      }
    }
    const tarball = readdirSync(temp).find((f) => f.includes('.orig.tar'));
    if (!tarball) throw new Error(`apt-get source ${spec.source}=${spec.version} left no upstream tarball`);
    const unpacked = join(temp, 'unpacked');
    mkdirSync(unpacked);
    execFileSync('tar', ['-xf', join(temp, tarball), '-C', unpacked], { stdio: 'ignore' });
    let kept = 0;
    for (const file of walkFiles(unpacked)) {
      const rel = relative(unpacked, file).split(sep).join('/');
      // Drop the tarball's top folder; keep main sources only (tests need JUnit, which the truth's compile lacks).
      const inner = rel.slice(rel.indexOf('/') + 1);
      if (!isJavaSource(inner) || !/(^|\/)src\/main\/java\//.test(inner)) continue;
      copyFile(file, join(staging, inner));
      kept++;
    }
    if (kept === 0) throw new Error(`${spec.source} ${spec.version} has no src/main/java sources`);
    return `${spec.source} ${spec.version} from Debian (upstream src/main/java only)`;
  });
}
