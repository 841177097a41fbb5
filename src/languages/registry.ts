/**
 * INTEGRATION POINT (placeholder): the language plug-in registry. The real registry, with the
 * TypeScript/JavaScript plug-in, replaces this file at merge; until then no path has a plug-in, so
 * files are recorded (language by extension) without facts.
 */
import type { LanguagePlugin } from './plugin.js';

/** The plug-in that analyses `path`, or undefined when no plug-in does. */
export function pluginForPath(_path: string): LanguagePlugin | undefined {
  return undefined;
}
