/**
 * A warm process's memory of per-file facts (codehub watch): the facts cache port with the facts it has read kept
 * decoded in memory, so the next index of the same repository does not read and unpack every unchanged file's facts
 * from the database again (on a 2,000-file repository that was about 1.2 s of a 1-file-change index). Facts are keyed
 * by content (blob sha256, plug-in, analyzer version, path), so a remembered entry never goes stale. Each index gets
 * its own top-level copy (resolution drops a file's call sites from it once done, to free memory); everything below
 * is frozen and shared, so code that would change it fails loudly instead of corrupting the next snapshot. The memory
 * that call-site release saves is spent here instead, bounded by FACTS_MEMO_ENTRIES.
 */
import type { FileFacts } from '../core/facts.js';
import { factsKeyString, type AnalysisCache, type FactsCacheKey } from '../db/storage.js';

/** Remembered facts at most (least recently used go first): about the files of a large repository. */
export const FACTS_MEMO_ENTRIES = 50_000;

/** `cache` with the facts it returns remembered in memory, up to `maxEntries` files. */
export function memoizeFacts(cache: AnalysisCache, maxEntries = FACTS_MEMO_ENTRIES): AnalysisCache {
  const memo = new Map<string, FileFacts>();
  return {
    knownGitObjects: (oids) => cache.knownGitObjects(oids),
    rememberGitObjects: (objects) => cache.rememberGitObjects(objects),
    putCachedFacts: (entries) => cache.putCachedFacts(entries),
    async getCachedFacts(keys: readonly FactsCacheKey[]) {
      const out = new Map<string, FileFacts>();
      const missing: FactsCacheKey[] = [];
      for (const key of keys) {
        const k = factsKeyString(key);
        const facts = memo.get(k);
        if (facts === undefined) {
          missing.push(key);
          continue;
        }
        memo.delete(k); // re-inserted: most recently used last
        memo.set(k, facts);
        out.set(k, { ...facts });
      }
      if (missing.length === 0) return out;
      for (const [k, facts] of await cache.getCachedFacts(missing)) {
        memo.set(k, deepFreeze(facts));
        out.set(k, { ...facts });
      }
      for (const k of memo.keys()) {
        if (memo.size <= maxEntries) break;
        memo.delete(k);
      }
      return out;
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
