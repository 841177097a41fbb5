/**
 * INTEGRATION POINT — placeholder replaced at merge by the full resolver (tsconfig paths + extends,
 * package.json imports, workspaces). This one only resolves relative specifiers with the TS/JS
 * extension rules and calls everything else external, so analysis and its tests can run.
 */
import type { ModuleResolution, ModuleResolver, ModuleResolverContext } from '../plugin.js';

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.jsx', '.mjs', '.cjs'];
const JS_TO_TS: Readonly<Record<string, string[]>> = {
  '.js': ['.ts', '.tsx', '.js', '.jsx'],
  '.jsx': ['.tsx', '.jsx'],
  '.mjs': ['.mts', '.mjs'],
  '.cjs': ['.cts', '.cjs'],
};

/** Creates the TypeScript module resolver over a snapshot's file list. */
export function createTsModuleResolver(context: ModuleResolverContext): ModuleResolver {
  const aliases = rootPathAliases(context.configs.get('tsconfig.json'));
  return {
    resolve(fromPath: string, specifier: string): ModuleResolution {
      for (const [prefix, targets] of aliases) {
        if (!specifier.startsWith(prefix)) continue;
        for (const target of targets) {
          const base = joinPath('', target.replace('*', specifier.slice(prefix.length)));
          for (const candidate of candidates(base))
            if (context.files.has(candidate)) return { kind: 'file', path: candidate };
        }
      }
      if (!specifier.startsWith('.') && !specifier.startsWith('/')) {
        return { kind: 'external', pkg: packageName(specifier) };
      }
      const base = joinPath(dirname(fromPath), specifier);
      for (const candidate of candidates(base))
        if (context.files.has(candidate)) return { kind: 'file', path: candidate };
      return { kind: 'unresolved', reason: `no file for ${specifier}` };
    },
  };
}

/** `paths` of the root tsconfig.json only (no `extends`), as prefix → target patterns. */
function rootPathAliases(text: string | undefined): Array<[string, string[]]> {
  if (!text) return [];
  try {
    const config = JSON.parse(text) as {
      compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> };
    };
    const baseUrl = config.compilerOptions?.baseUrl ?? '.';
    return Object.entries(config.compilerOptions?.paths ?? {}).map(([pattern, targets]) => [
      pattern.replace(/\*$/, ''),
      targets.map((t) => joinPath(baseUrl === '.' ? '' : baseUrl, t)),
    ]);
  } catch {
    return [];
  }
}

function candidates(base: string): string[] {
  const out = [base];
  const ext = /\.[cm]?jsx?$/.exec(base)?.[0];
  if (ext) for (const alt of JS_TO_TS[ext] ?? []) out.push(base.slice(0, -ext.length) + alt);
  for (const e of EXTENSIONS) out.push(base + e);
  for (const e of EXTENSIONS) out.push(`${base}/index${e}`);
  return out;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function dirname(path: string): string {
  const at = path.lastIndexOf('/');
  return at < 0 ? '' : path.slice(0, at);
}

function joinPath(dir: string, rel: string): string {
  const parts = dir === '' ? [] : dir.split('/');
  for (const part of rel.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}
