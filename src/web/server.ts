/**
 * The web hub on node:http: pages, the JSON API under /api/v1, static assets under /-/static, and /mcp
 * delegated to the MCP handler. No framework: the routes are few and fixed, and node:http gives direct
 * control of limits and headers. Every response carries the security headers; only GET/HEAD are served
 * (POST/DELETE/… only on /mcp); no file system path is ever derived from a URL.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { Lru } from '../core/lru.js';
import { showAnswerToken } from '../service/query-service.js';
import { parseCompareSpec, type ChangeService } from '../service/change-service.js';
import type { QueryService, ShowResult } from '../service/query-types.js';
import { createAccessPolicy, SESSION_COOKIE, type AccessPolicy } from './access.js';
import { handleApi } from './api.js';
import { tokenSha256 } from '../db/token-store.js';
import { handleJobsApi, isJobsRoute, type JobsApiOptions } from './jobs-api.js';
import { renderJobsPage } from './pages/jobs-page.js';
import { CLIENT_JS } from './assets/client-js.js';
import { STYLE_CSS } from './assets/style-css.js';
import {
  highlightCssVersion,
  highlightCss,
  highlightLines,
  plainLines,
  warmHighlighter,
} from './highlight.js';
import { notFoundRoute, toHttpError, type HttpError } from './http-errors.js';
import { MAX_DETAILED_CHANGES, renderComparePage, renderHistoryPage } from './pages/compare-page.js';
import { renderErrorPage } from './pages/error-page.js';
import { renderFilePage } from './pages/file-page.js';
import { renderHubPage } from './pages/hub-page.js';
import type { PageContext } from './pages/layout.js';
import { renderLoginPage } from './pages/login-page.js';
import { renderRepoPage } from './pages/repo-page.js';
import { renderSearchPage } from './pages/search-page.js';
import { renderSymbolPage, type SymbolSource } from './pages/symbol-page.js';
import { blobUrl, compareUrl, parsePagePath, symbolUrl } from './urls.js';

export interface WebServerOptions {
  service: QueryService;
  /** Snapshot history and comparisons (the compare pages and API); absent → those routes answer 404. */
  changes?: ChangeService;
  /** Default 127.0.0.1: the hub is local unless asked otherwise. */
  host?: string;
  /** Default 7070; 0 picks a free port. */
  port?: number;
  /** Handles /mcp (any method); absent → /mcp answers 404. */
  mcpHandler?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Receives one line per request and every unexpected error. */
  log?: (line: string) => void;
  /** Public base URL (e.g. behind a proxy); default http://<host>:<port>. */
  publicUrl?: string;
  /** A request whose headers and body have not arrived by then is closed (default 30 s; headers alone 15 s). */
  requestTimeoutMs?: number;
  /**
   * Names (`name` or `name:port`) the hub answers to besides loopback, the address it is bound to and the public
   * URL's host; any other `Host` gets 403 (DNS rebinding).
   */
  allowedHosts?: readonly string[];
  /** When set, every page, API and /mcp request must carry this token (bearer header or the login cookie). */
  readToken?: string | null;
  /** Jobs API, write routes and the jobs page; absent → those routes answer 404. */
  jobs?: JobsApiOptions;
  /**
   * Reads need a token even without `readToken`: a valid read or admin token from the database (or the read token).
   * Database tokens are accepted for reads whenever reads need a token.
   */
  requireToken?: boolean;
}

export interface WebServer {
  server: Server;
  /** Resolves once listening; gives the base URL (http://127.0.0.1:PORT). */
  listen(): Promise<string>;
  close(): Promise<void>;
  url(): string;
}

/** The session cookie of a database token: its id and a MAC keyed by the token's stored sha256. */
function tokenSession(id: string, sha256: string): string {
  return `t.${id}.${createHmac('sha256', sha256).update('codehub web session').digest('base64url')}`;
}

function cookieOf(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** Lines of context shown above a symbol, and the lines (context included) shown before the truncation marker. */
export const CONTEXT_BEFORE = 3;
export const MAX_BODY_LINES = 60;
const MAX_URL_LENGTH = 8 * 1024;
/** Largest login form body read (a token and a return path). */
const MAX_LOGIN_BODY = 4 * 1024;
/** Bound of the rendered symbol pages kept, in bytes of HTML. */
const PAGE_CACHE_BYTES = 32 * 1024 * 1024;
/** How long listen() waits for the highlighter to warm before handing out the URL anyway. */
const WARM_WAIT_MS = 5_000;

/** Kinds whose source sits inside a class body (their excerpt is highlighted in that context). */
const CLASS_MEMBER_KINDS: ReadonlySet<string> = new Set([
  'method',
  'getter',
  'setter',
  'constructor',
  'property',
]);

/** A file's lines as editors number them: a final newline ends the last line rather than starting another. */
function fileLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** An answer shown under the repo id it was asked for: `repo@commit` pages keep the pin in every link they render. */
function pinnedAs<T extends { repo: { id: string } }>(answer: T, asked: string): T {
  return asked === answer.repo.id ? answer : { ...answer, repo: { ...answer.repo, id: asked } };
}

/** Headers on every response (pages, API, assets, errors). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  extra: Record<string, string> = {},
): void {
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': type,
    'Content-Length': String(buf.length),
    ...extra,
  });
  res.end(req.method === 'HEAD' ? undefined : buf);
}

const isMcpPath = (path: string): boolean => path === '/mcp' || path.startsWith('/mcp/');
const isApiPath = (path: string): boolean => path === '/api/v1' || path.startsWith('/api/v1/');

/** A return path after login: a path on this hub, never another site (`//evil`, `/\\evil`, `https://…`). */
function localPath(next: string | null): string {
  return next &&
    next.startsWith('/') &&
    !next.startsWith('//') &&
    !next.startsWith('/\\') &&
    !/[\r\n]/.test(next)
    ? next
    : '/';
}

/** Reads a body of at most `max` bytes as text; null when it is larger. */
function readSmallBody(req: IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) resolve(null);
      else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

const WILDCARD_ADDRESSES: ReadonlySet<string> = new Set(['0.0.0.0', '::', '']);

/** Whether `host` (a bind address or name) reaches only this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** `[::1]` for IPv6 literals, as URLs and Host headers write them. */
const urlHost = (address: string): string => (address.includes(':') ? `[${address}]` : address);

/**
 * The names another machine reaches a hub bound to `address` by: the address itself, or for a wildcard bind,
 * every external interface address (the first IPv4 one first, as the one to print).
 */
export function reachableNames(address: string): string[] {
  if (!WILDCARD_ADDRESSES.has(address)) return [urlHost(address)];
  const v4: string[] = [];
  const v6: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv4') v4.push(a.address);
      else if (address === '::') v6.push(urlHost(a.address.replace(/%.*$/, '')));
    }
  }
  return [...v4, ...v6, hostname().toLowerCase()];
}

/** Creates the hub's HTTP server (not yet listening). */
export function createWebServer(options: WebServerOptions): WebServer {
  const { service } = options;
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  let baseUrl = options.publicUrl ?? '';

  let access: AccessPolicy | null = null;

  /** The copied MCP config names the host the reader reached the hub by (already checked against the allow-list). */
  const ctx = (req: IncomingMessage, query?: string): PageContext => ({
    mcpUrl: `${options.publicUrl || !req.headers.host ? baseUrl : `http://${req.headers.host}`}/mcp`,
    highlightCssVersion: highlightCssVersion(),
    ...(access?.requiresToken ? { mcpNeedsToken: true } : {}),
    ...(query !== undefined ? { query } : {}),
  });

  const sendHtml = (req: IncomingMessage, res: ServerResponse, status: number, body: string | Buffer): void =>
    send(req, res, status, 'text/html; charset=utf-8', body, { 'Cache-Control': 'no-store' });

  const sendErrorPage = (req: IncomingMessage, res: ServerResponse, err: HttpError, repo?: string): void => {
    sendHtml(req, res, err.status, renderErrorPage(ctx(req), err, repo));
  };

  /**
   * Rendered symbol pages of verified answers, keyed by the service's answer token (one per cached
   * (snapshot, symbol) entry) and the excerpt shown. A page is only served again for an answer whose blob was
   * re-read and re-hashed to the same sha256 for this request: the same bytes, so the same highlighted lines.
   */
  const pages = new Lru<string, Buffer>(PAGE_CACHE_BYTES);
  const tokenIds = new WeakMap<object, number>();
  let nextTokenId = 0;
  const pageKey = (show: ShowResult, full: boolean, asked: string): string | null => {
    const ex = show.source;
    const token = ex.verified && ex.error === null ? showAnswerToken(show) : null;
    if (token === null) return null;
    let id = tokenIds.get(token);
    if (id === undefined) tokenIds.set(token, (id = nextTokenId++));
    // `asked` (repo or repo@commit) is part of the key: a pinned page's links keep the pin.
    return `${id}|${asked}|${full ? 'full' : 'page'}|${ex.blobSha256}|${ex.startLine}|${ex.lines.length}|${ex.truncated}`;
  };

  /** Highlights the verified excerpt `show()` returned; a failed verification becomes the error block. */
  async function symbolSource(show: ShowResult, expandUrl: string): Promise<SymbolSource> {
    const ex = show.source;
    if (!ex.verified || ex.error !== null) {
      return {
        ok: false,
        blobSha256: ex.blobSha256 || show.symbol.blobSha256,
        message: ex.error ?? 'Its bytes no longer hash to this sha256.',
      };
    }
    const lines = await highlightLines(
      show.symbol.path,
      ex.lines,
      `${ex.blobSha256}:${ex.startLine}-${ex.startLine + ex.lines.length - 1}`,
      { insideClass: CLASS_MEMBER_KINDS.has(show.symbol.kind) },
    );
    return {
      ok: true,
      blobSha256: ex.blobSha256,
      startLine: ex.startLine,
      lines,
      truncated: ex.truncated,
      expandUrl: ex.truncated ? expandUrl : null,
    };
  }

  async function handlePage(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    params: URLSearchParams,
  ): Promise<void> {
    let repoForErrors: string | undefined;
    try {
      const route = parsePagePath(path);
      if (!route) return sendErrorPage(req, res, notFoundRoute(path));
      if (route.page !== 'hub' && route.page !== 'search') repoForErrors = route.repo;
      switch (route.page) {
        case 'hub':
          return sendHtml(req, res, 200, renderHubPage(ctx(req), await service.listRepos()));
        case 'search': {
          const q = (params.get('q') ?? '').slice(0, 200);
          const repo = params.get('repo') || undefined;
          const kind = params.get('kind') || undefined;
          const [hits, repos] = await Promise.all([
            q.trim()
              ? service.search({
                  q: q.trim(),
                  limit: 50,
                  ...(repo ? { repo } : {}),
                  ...(kind ? { kind } : {}),
                })
              : Promise.resolve(null),
            service.listRepos(),
          ]);
          return sendHtml(
            req,
            res,
            200,
            renderSearchPage(
              ctx(req, q),
              { q, ...(repo ? { repo } : {}), ...(kind ? { kind } : {}) },
              hits,
              repos.map((r) => r.id),
            ),
          );
        }
        case 'repo': {
          const [overview, files] = await Promise.all([
            service.getRepo(route.repo),
            service.listFiles(route.repo),
          ]);
          const summary = { ...overview.summary, id: route.repo }; // a pinned page links on at its pin
          return sendHtml(req, res, 200, renderRepoPage(ctx(req), { ...overview, summary }, files));
        }
        case 'blob': {
          const view = await service.getFile(route.repo, route.path);
          const text = view.text !== null && view.verified ? fileLines(view.text) : null;
          const lines =
            text === null
              ? null
              : view.file.blobSha256
                ? await highlightLines(view.file.path, text, `${view.file.blobSha256}:all`)
                : plainLines(text);
          return sendHtml(req, res, 200, renderFilePage(ctx(req), pinnedAs(view, route.repo), lines));
        }
        case 'symbol': {
          const full = params.get('full') === '1';
          // Default view: edges at confidence ≥ 0.5; `?edges=all` lists the guesses below it too.
          const allEdges = params.get('edges') === 'all';
          let show = await service.show(route.repo, route.id, {
            contextBefore: CONTEXT_BEFORE,
            maxLines: MAX_BODY_LINES,
          });
          if (full && show.source.truncated) {
            // The whole body (the service caps excerpts at its own maximum; past that the file page has the rest).
            const s = show.symbol;
            show = await service.show(route.repo, s.id, {
              contextBefore: CONTEXT_BEFORE,
              maxLines: s.endLine - Math.max(1, s.startLine - CONTEXT_BEFORE) + 1,
            });
          }
          const baseKey = pageKey(show, full, route.repo);
          const key = baseKey === null ? null : `${baseKey}|${allEdges ? 'all' : 'default'}`;
          const cached = key === null ? undefined : pages.get(key);
          if (cached) return sendHtml(req, res, 200, cached);
          const expandUrl = full
            ? blobUrl(route.repo, show.symbol.path, show.symbol.startLine)
            : `${symbolUrl(route.repo, show.symbol.id)}?full=1#L${show.symbol.startLine}`;
          const source = await symbolSource(show, expandUrl);
          const edgeView = {
            all: allEdges,
            toggleUrl: `${symbolUrl(route.repo, show.symbol.id)}${allEdges ? '' : '?edges=all'}`,
          };
          const page = Buffer.from(
            renderSymbolPage(ctx(req), pinnedAs(show, route.repo), source, edgeView),
            'utf8',
          );
          if (key !== null && source.ok) pages.set(key, page, page.length);
          return sendHtml(req, res, 200, page);
        }
        case 'compare': {
          const changes = options.changes;
          if (!changes) return sendErrorPage(req, res, notFoundRoute(path));
          if (route.spec === '') {
            const base = params.get('base');
            const head = params.get('head');
            // The history form's GET lands here; the comparison's address is the path form.
            if (base && head)
              return send(req, res, 303, 'text/plain; charset=utf-8', 'See the comparison.\n', {
                Location: compareUrl(route.repo, base, head),
              });
            return sendHtml(
              req,
              res,
              200,
              renderHistoryPage(ctx(req), route.repo, await changes.history(route.repo)),
            );
          }
          const { base, head } = parseCompareSpec(route.spec);
          const { report, sources } = await changes.compareWithSources(route.repo, base, head, {
            maxSources: MAX_DETAILED_CHANGES,
          });
          return sendHtml(req, res, 200, renderComparePage(ctx(req), report, sources));
        }
      }
    } catch (err) {
      const httpErr = toHttpError(err);
      if (httpErr.status >= 500)
        log(
          `error ${req.method} ${path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
      return sendErrorPage(req, res, httpErr, repoForErrors);
    }
  }

  /** A refusal shaped for the route's audience: JSON-RPC on /mcp, JSON on the API, one line of text elsewhere. */
  function refuse(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    status: number,
    message: string,
    extra: Record<string, string> = {},
  ): void {
    if (isMcpPath(path)) {
      const body = JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });
      send(req, res, status, 'application/json', body, extra);
    } else if (isApiPath(path)) {
      const code = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'InvalidInput';
      send(
        req,
        res,
        status,
        'application/json; charset=utf-8',
        JSON.stringify({ error: { code, message } }),
        extra,
      );
    } else {
      send(req, res, status, 'text/plain; charset=utf-8', `${message}\n`, extra);
    }
    // Discard what the client may still be sending, so it reads this answer instead of a reset.
    req.resume();
  }

  /** `/-/login` (GET: the form; POST: check the token, set the cookie) and `/-/logout` (POST: clear it). */
  async function handleLogin(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    params: URLSearchParams,
  ): Promise<void> {
    const policy = access!;
    if (!policy.requiresToken && !options.requireToken) return sendErrorPage(req, res, notFoundRoute(path));
    if (path === '/-/logout') {
      if (req.method !== 'POST') return refuse(req, res, path, 405, 'Sign out with POST.', { Allow: 'POST' });
      return send(req, res, 303, 'text/plain; charset=utf-8', 'Signed out.\n', {
        Location: '/-/login',
        'Set-Cookie': `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`,
      });
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      return sendHtml(req, res, 200, renderLoginPage(ctx(req), localPath(params.get('next')), false));
    }
    if (req.method !== 'POST')
      return refuse(req, res, path, 405, 'Only GET and POST are served here.', { Allow: 'GET, HEAD, POST' });
    const body = await readSmallBody(req, MAX_LOGIN_BODY);
    if (body === null)
      return refuse(req, res, path, 413, `The login form's body exceeds ${MAX_LOGIN_BODY} bytes.`);
    const form = new URLSearchParams(body);
    const next = localPath(form.get('next'));
    const given = form.get('token') ?? '';
    let cookie: string | null = policy.tokenMatches(given) ? policy.sessionValue() : null;
    if (cookie === null && options.jobs && given !== '') {
      // A database token signs in too; the cookie is derived from its stored sha256, so revoking it signs out.
      const check = await options.jobs.tokens.check(given);
      if (check.status === 'valid') cookie = tokenSession(check.token.id, tokenSha256(given));
    }
    if (cookie === null) {
      return sendHtml(req, res, 401, renderLoginPage(ctx(req), next, true));
    }
    const secure = options.publicUrl?.startsWith('https:') ? '; Secure' : '';
    return send(req, res, 303, 'text/plain; charset=utf-8', 'Signed in.\n', {
      Location: next,
      'Set-Cookie': `${SESSION_COOKIE}=${cookie}; Path=/; HttpOnly; SameSite=Strict${secure}`,
      'Cache-Control': 'no-store',
    });
  }

  /**
   * Whether a request may read: always when reads need no token; else with the read token (bearer or login
   * cookie) or a valid database token of either scope (bearer).
   */
  function readAuthorized(req: IncomingMessage): boolean | Promise<boolean> {
    const policy = access!;
    if (!policy.requiresToken && !options.requireToken) return true;
    if (policy.requiresToken && policy.isAuthorized(req)) return true;
    if (!options.jobs) return false;
    const tokens = options.jobs.tokens;
    // Only a database token costs a round trip; everything else is answered in the same tick.
    if (req.headers.authorization !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization);
      return m !== null && tokens.check(m[1]!).then((c) => c.status === 'valid');
    }
    const session = /^t\.([0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/.exec(cookieOf(req, SESSION_COOKIE) ?? '');
    if (!session) return false;
    return tokens
      .byId(session[1]!)
      .then(
        (found) =>
          found !== null &&
          found.check.status === 'valid' &&
          timingSafeEqual(
            Buffer.from(tokenSession(found.check.token.id, found.sha256)),
            Buffer.from(session[0]),
          ),
      );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log(`${req.method} ${req.url} ${res.statusCode} ${ms.toFixed(1)}ms`);
    });
    const rawUrl = req.url ?? '/';
    if (rawUrl.length > MAX_URL_LENGTH)
      return send(req, res, 414, 'text/plain; charset=utf-8', 'URL too long\n');
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const params = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));

    // Every route, /mcp included: a Host this hub does not answer to is a rebound name; a foreign Origin a forged form.
    if (!access) return refuse(req, res, path, 503, 'The hub is starting.');
    const refusal = access.checkSite(req);
    if (refusal) return refuse(req, res, path, refusal.status, refusal.message);
    if (path === '/-/login' || path === '/-/logout') return handleLogin(req, res, path, params);
    // Assets are the same fixed strings for everyone; the login page needs them before a token is given.
    const isPublicAsset = path.startsWith('/-/static/') || path === '/favicon.ico';
    const readable = isPublicAsset || readAuthorized(req);
    if (!(readable === true || (readable !== false && (await readable)))) {
      const challenge = { 'WWW-Authenticate': 'Bearer realm="codehub"', 'Cache-Control': 'no-store' };
      const message =
        'This hub requires its read token: send Authorization: Bearer <token>, or sign in at /-/login';
      if (isMcpPath(path) || isApiPath(path) || (req.method !== 'GET' && req.method !== 'HEAD'))
        return refuse(req, res, path, 401, message, challenge);
      return send(
        req,
        res,
        401,
        'text/html; charset=utf-8',
        renderLoginPage(ctx(req), localPath(rawUrl), false),
        challenge,
      );
    }

    if (isMcpPath(path)) {
      if (!options.mcpHandler)
        return send(
          req,
          res,
          404,
          'application/json',
          JSON.stringify({ error: { code: 'NotFound', message: 'This hub serves no MCP endpoint.' } }),
        );
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
      // MCP streams (SSE) may stay quiet for long; the page idle timeout must not cut them.
      req.socket.setTimeout(0);
      return options.mcpHandler(req, res);
    }
    if (options.jobs && isApiPath(path) && isJobsRoute(req.method, path.slice('/api/v1'.length))) {
      const jobs = options.jobs;
      const policy = access;
      const handled = await handleJobsApi(
        req,
        path.slice('/api/v1'.length),
        params,
        jobs,
        (status, body, headers = {}) =>
          send(req, res, status, 'application/json; charset=utf-8', JSON.stringify(body, null, 2), {
            'Cache-Control': 'no-store',
            ...headers,
          }),
        (candidate) => policy.requiresToken && policy.tokenMatches(candidate),
        log,
      );
      if (handled) return;
    }
    if (options.jobs && path === '/-/jobs' && (req.method === 'GET' || req.method === 'HEAD')) {
      return sendHtml(req, res, 200, renderJobsPage(ctx(req), await options.jobs.queue.recent(100)));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(req, res, 405, 'text/plain; charset=utf-8', 'Only GET and HEAD are served here.\n', {
        Allow: 'GET, HEAD',
      });
    }
    // Requests to pages carry no body, declared by length or sent in chunks; refuse one rather than buffer it.
    if (Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined)
      return refuse(req, res, path, 413, 'Request bodies are not accepted.');

    if (path.startsWith('/-/static/')) {
      // Assets come from in-memory strings keyed by fixed names; the URL never reaches the file system.
      const name = path.slice('/-/static/'.length);
      const immutable = { 'Cache-Control': 'public, max-age=300' };
      if (name === 'style.css') return send(req, res, 200, 'text/css; charset=utf-8', STYLE_CSS, immutable);
      if (name === 'app.js')
        return send(req, res, 200, 'text/javascript; charset=utf-8', CLIENT_JS, immutable);
      if (name === 'highlight.css')
        return send(req, res, 200, 'text/css; charset=utf-8', highlightCss(), {
          'Cache-Control': 'public, max-age=3600',
        });
      return send(req, res, 404, 'text/plain; charset=utf-8', 'No such asset.\n');
    }
    if (path === '/favicon.ico') return send(req, res, 204, 'image/x-icon', '');
    if (isApiPath(path)) {
      return handleApi(
        service,
        path.slice('/api/v1'.length),
        params,
        (status, body) =>
          send(req, res, status, 'application/json; charset=utf-8', JSON.stringify(body, null, 2), {
            'Cache-Control': 'no-store',
          }),
        log,
        options.changes,
      );
    }
    return handlePage(req, res, path, params);
  }

  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const headersTimeout = Math.min(15_000, requestTimeout);
  const server = createServer(
    {
      maxHeaderSize: 16 * 1024,
      requestTimeout,
      headersTimeout,
      // Timeouts are only enforced when connections are checked; check often enough to honour short ones.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 4))),
    },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        log(
          `unhandled ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
        if (!res.headersSent) send(req, res, 500, 'text/plain; charset=utf-8', 'Internal error\n');
        else res.destroy();
      });
    },
  );
  server.keepAliveTimeout = 5_000;
  server.setTimeout(60_000);

  return {
    server,
    url: () => baseUrl,
    listen: async () => {
      // The highlighter warms while the socket binds; the URL is handed out once the first page can be fast.
      const warm = warmHighlighter();
      const url = await new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 7070, host, () => {
          server.off('error', reject);
          const addr = server.address() as AddressInfo;
          const names = reachableNames(addr.address);
          // The bound names with the bound port; --allowed-host names as given (without a port: any, as behind a proxy).
          const extraHosts = [...names.map((n) => `${n}:${addr.port}`), ...(options.allowedHosts ?? [])];
          if (options.publicUrl) extraHosts.push(new URL(options.publicUrl).host);
          if (host !== addr.address && !isLoopbackHost(host))
            extraHosts.push(`${urlHost(host)}:${addr.port}`);
          access = createAccessPolicy({ port: addr.port, extraHosts, readToken: options.readToken ?? null });
          // A URL that works from where it is read: loopback stays loopback, a wildcard bind shows an interface address.
          const shownHost = isLoopbackHost(addr.address)
            ? urlHost(addr.address)
            : (names[0] ?? urlHost(addr.address));
          if (!options.publicUrl) baseUrl = `http://${shownHost}:${addr.port}`;
          resolve(baseUrl);
        });
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([warm, new Promise<void>((r) => (timer = setTimeout(r, WARM_WAIT_MS)))]);
      clearTimeout(timer);
      return url;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
