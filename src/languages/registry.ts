/** The registered language plug-ins; adding a language is adding its folder and one line here. */
import { goPlugin } from './go/go-plugin.js';
import type { LanguagePlugin } from './plugin.js';
import { javaPlugin } from './java/java-plugin.js';
import { pythonPlugin } from './python/python-plugin.js';
import { typescriptPlugin } from './typescript/typescript-plugin.js';
import { OUTLINE_PLUGINS, UNSUPPORTED_LANGUAGES } from './outline/outline-languages.js';

export const allPlugins: readonly LanguagePlugin[] = [
  typescriptPlugin,
  pythonPlugin,
  javaPlugin,
  goPlugin,
  ...OUTLINE_PLUGINS,
];

/** Awaits the init() of each plug-in given (parsers and grammars load once; later calls are cheap). */
export async function initPlugins(plugins: Iterable<LanguagePlugin>): Promise<void> {
  await Promise.all([...plugins].map((p) => p.init?.()));
}

/** The plug-in that analyses a path (by extension; `.d.ts` declaration files included), or undefined. */
export function pluginForPath(path: string): LanguagePlugin | undefined {
  const lower = path.toLowerCase();
  return allPlugins.find((plugin) => plugin.extensions.some((ext) => lower.endsWith(ext)));
}

/** The registered plug-in with this id (FileFacts.language), or undefined. */
export function pluginById(id: string): LanguagePlugin | undefined {
  return allPlugins.find((plugin) => plugin.id === id);
}

/**
 * Why a file no plug-in analyses was not analysed, for the coverage panel: a language whose grammar cannot load
 * says so (see UNSUPPORTED_LANGUAGES), any other file is `no-language-plugin`.
 */
export function noPluginReason(path: string): string {
  const lower = path.toLowerCase();
  return (
    UNSUPPORTED_LANGUAGES.find((u) => u.extensions.some((ext) => lower.endsWith(ext)))?.reason ??
    'no-language-plugin'
  );
}

/**
 * Languages whose code calls each other's functions by name in one program: JavaScript and TypeScript are one
 * plug-in; the JVM languages and C/C++ call across. Other plug-ins (Python, Go, Ruby…) reach another language's code
 * only through a foreign-function or process boundary, which no call site names.
 */
const CALLING_GROUPS: readonly (readonly string[])[] = [
  ['java', 'kotlin'],
  ['c', 'cpp'],
];

/** Whether code of plug-in `caller` (a plug-in id, FileFacts.language) can call code of plug-in `callee` by name. */
export function languagesCall(caller: string, callee: string): boolean {
  return caller === callee || CALLING_GROUPS.some((g) => g.includes(caller) && g.includes(callee));
}

/**
 * Whether code in `callerPath` can call a function of `calleePath` by name: same plug-in, or plug-ins of one calling
 * group. A path no plug-in analyses may call anything (true), so an unknown language never hides a caller.
 */
export function mayCallAcross(callerPath: string, calleePath: string): boolean {
  const caller = pluginForPath(callerPath)?.id;
  const callee = pluginForPath(calleePath)?.id;
  if (caller === undefined || callee === undefined) return true;
  return languagesCall(caller, callee);
}

/** Test code by the path convention of the plug-in that owns the path (false when no plug-in does). */
export function isTestPath(path: string): boolean {
  return pluginForPath(path)?.isTestPath?.(path) ?? false;
}
