/**
 * Which truth source scores which file, by the file's language: TypeScript and JavaScript files go to the
 * TypeScript compiler (compiler-truth.ts), Python files to pyright (python-truth.ts), Java files to javac and javap
 * (java-truth.ts). The choice does not depend
 * on which language plug-ins are registered: the truth exists whether or not codehub indexes the language yet.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { languageByExtension } from '../languages/file-language.js';
import { buildCompilerTruth, type CompilerTruthOptions } from './compiler-truth.js';
import { buildJavaTruth, type JavaTruthOptions } from './java-truth.js';
import { buildPythonTruth, type PythonTruthOptions } from './python-truth.js';
import { TRUTH_LANGUAGES, type CallTruth, type TruthLanguage } from './truth.js';

export { TRUTH_LANGUAGES, type TruthLanguage } from './truth.js';

/** The truth language of a repo-relative path, or null when no truth source reads it. */
export function truthLanguageOf(path: string): TruthLanguage | null {
  const language = languageByExtension(path);
  if (language === 'typescript' || language === 'javascript') return 'typescript';
  if (language === 'python') return 'python';
  if (language === 'java') return 'java';
  return null;
}

export type TruthOptions = CompilerTruthOptions &
  Omit<PythonTruthOptions, keyof CompilerTruthOptions> &
  Omit<JavaTruthOptions, keyof CompilerTruthOptions | keyof PythonTruthOptions>;

/** Builds the truth of one language for the repository. */
export async function buildTruth(language: TruthLanguage, options: TruthOptions): Promise<CallTruth> {
  if (language === 'java') return buildJavaTruth(options);
  return language === 'python' ? buildPythonTruth(options) : buildCompilerTruth(options);
}

const SKIP_DIRS = new Set([
  'node_modules',
  'dist',
  'build',
  'out',
  'coverage',
  '__pycache__',
  'venv',
  'site-packages',
  '.pc',
  'target',
]);

/** The truth languages with at least one file in the repository (under `include` when given), in a fixed order. */
export function truthLanguagesIn(repoDir: string, include?: string[]): TruthLanguage[] {
  const found = new Set<TruthLanguage>();
  const root = resolve(repoDir);
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.') || SKIP_DIRS.has(name)) continue;
      const path = rel === '' ? name : `${rel}/${name}`;
      const stat = statSync(join(dir, name), { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory()) walk(join(dir, name), path);
      else if (!include || include.some((prefix) => path.startsWith(prefix))) {
        const language = truthLanguageOf(path);
        if (language && !(language === 'typescript' && /\.d\.[^/]*ts$/.test(path))) found.add(language);
      }
    }
  };
  walk(root, '');
  return (Object.keys(TRUTH_LANGUAGES) as TruthLanguage[]).filter((l) => found.has(l));
}
