/** Keys derived from names for search and completeness questions (pure; shared by storage adapters). */

const PARTS = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;

/** Initials of a name's camelCase / snake_case / kebab parts, lowercased: `startDesktopFlow` → `sdf`, `HTTPServer` → `hs`. */
export function humpsOf(name: string): string {
  let out = '';
  for (const part of name.match(PARTS) ?? []) out += part[0] ?? '';
  return out.toLowerCase();
}

/** True when a search query can be matched against humps: letters and digits only. */
export function isHumpsQuery(q: string): boolean {
  return /^[A-Za-z0-9]+$/.test(q);
}

/**
 * The name an unresolved call site would bind to: the last identifier of the callee text
 * (`this.flows.register` → `register`, `a?.b!` → `b`), or null for texts without one (`a[b]`, `(f)`).
 */
export function calleeNameOf(text: string): string | null {
  const m = /([A-Za-z_$][\w$]*)[\s!?.]*$/.exec(text);
  return m ? (m[1] ?? null) : null;
}

/** Unresolved reasons that cannot hide a call into the repo: packages outside it, and language builtins. */
export function mayHideRepoCall(reason: string): boolean {
  return !reason.startsWith('external') && reason !== 'builtin';
}
