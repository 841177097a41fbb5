/**
 * Who may read this hub: the `Host` allow-list (DNS rebinding), the `Origin` check for anything that is not a
 * plain read, and the optional read token (a bearer header, or a cookie set once by the login form). One policy,
 * applied by the web server to every route — pages, the JSON API, /mcp and the login form alike.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Names a hub bound to loopback answers to; nothing else can reach it, so no page can rebind to them. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
/** Shortest read token accepted: a guessable token would be a password, not a key. */
export const MIN_READ_TOKEN_LENGTH = 16;
/** Name of the cookie the login form sets. */
export const SESSION_COOKIE = 'codehub_session';

export interface AccessOptions {
  /** Port the server is bound to (loopback names are accepted with this port only). */
  port: number;
  /**
   * Further names the hub answers to, from `--allowed-host` and the address it is bound to: `name` (any port)
   * or `name:port`. IPv6 literals in brackets.
   */
  extraHosts?: readonly string[];
  /** When set, every request but the login form and static assets must carry this token. */
  readToken?: string | null;
}

/** Why a request is refused, as a status and one line. */
export interface Refusal {
  status: 401 | 403;
  message: string;
}

export interface AccessPolicy {
  /** 403 when Host (or, for a request that is not GET/HEAD, Origin) names a site this hub is not; else null. */
  checkSite(req: IncomingMessage): Refusal | null;
  /** True when no token is configured, or the request carries it (bearer header or session cookie). */
  isAuthorized(req: IncomingMessage): boolean;
  /** Whether a read token is configured. */
  readonly requiresToken: boolean;
  /** True when `candidate` is the read token (constant time). */
  tokenMatches(candidate: string): boolean;
  /** The session cookie's value for this hub's token (derived from it, so the cookie never holds the token). */
  sessionValue(): string;
}

/** `Host: a.example:80` → `{ name: 'a.example', port: 80 }`; the default port comes from the scheme. */
function splitHost(host: string, defaultPort: number): { name: string; port: number } | null {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?)(?::(\d{1,5}))?$/i.exec(
    host.trim().toLowerCase(),
  );
  if (!m) return null;
  return { name: m[1]!, port: m[2] === undefined ? defaultPort : Number(m[2]) };
}

/** Checks a configured host name; returns the reason it is unusable, or null. */
export function invalidHostName(name: string): string | null {
  return splitHost(name, 0) ? null : `'${name}' is not a host name (expected NAME or NAME:PORT)`;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function cookieValue(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** Builds the access policy of a server bound to `options.port`. */
export function createAccessPolicy(options: AccessOptions): AccessPolicy {
  const anyPort = new Set<string>();
  const exact = new Set<string>(LOOPBACK_NAMES.map((n) => `${n}:${options.port}`));
  for (const entry of options.extraHosts ?? []) {
    const hasPort = /:\d{1,5}$/.test(entry) && !/^\[[^\]]*$/.test(entry);
    const parsed = splitHost(entry, 0);
    if (!parsed) continue;
    if (hasPort) exact.add(`${parsed.name}:${parsed.port}`);
    else anyPort.add(parsed.name);
  }
  const allowed = (host: string, defaultPort: number): boolean => {
    const parsed = splitHost(host, defaultPort);
    return parsed !== null && (anyPort.has(parsed.name) || exact.has(`${parsed.name}:${parsed.port}`));
  };

  const token = options.readToken ?? null;
  const tokenDigest = token === null ? null : digest(token);
  const session =
    token === null ? '' : createHmac('sha256', token).update('codehub web session').digest('base64url');
  const sessionDigest = digest(session);
  const tokenMatches = (candidate: string): boolean =>
    tokenDigest !== null && timingSafeEqual(digest(candidate), tokenDigest);

  return {
    requiresToken: token !== null,
    tokenMatches,
    sessionValue: () => session,
    checkSite(req) {
      const host = req.headers.host;
      if (!host || !allowed(host, 80)) {
        return {
          status: 403,
          message: `Host '${host ?? ''}' is not allowed: this hub answers to loopback names and the names given with --allowed-host`,
        };
      }
      const origin = req.headers.origin;
      if (origin !== undefined && req.method !== 'GET' && req.method !== 'HEAD') {
        let ok = false;
        try {
          const u = new URL(origin);
          ok =
            (u.protocol === 'http:' || u.protocol === 'https:') &&
            allowed(u.host, u.protocol === 'https:' ? 443 : 80);
        } catch {
          ok = false;
        }
        if (!ok)
          return {
            status: 403,
            message: `Origin '${origin}' is not allowed: requests from other sites are refused`,
          };
      }
      return null;
    },
    isAuthorized(req) {
      if (token === null) return true;
      const auth = req.headers.authorization;
      if (auth !== undefined) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
        return m !== null && tokenMatches(m[1]!);
      }
      const cookie = cookieValue(req, SESSION_COOKIE);
      return cookie !== null && timingSafeEqual(digest(cookie), sessionDigest);
    },
  };
}
