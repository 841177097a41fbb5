/** The login form of a hub that requires a read token: the token is asked for once, then kept in a cookie. */
import { markup } from '../html.js';
import { layout, type PageContext } from './layout.js';

/** Renders the form; `next` is the local path to return to, `failed` says the last token was wrong. */
export function renderLoginPage(ctx: PageContext, next: string, failed: boolean): string {
  const body = markup`<h1 id="login-title">This hub requires a read token</h1>
${failed ? markup`<div class="error-block" id="login-error">That token is not this hub's read token.</div>` : ''}
<form class="search-form" id="login" action="/-/login" method="post">
<input type="hidden" name="next" value="${next}">
<input type="password" name="token" placeholder="Read token" aria-label="Read token" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>
<p class="hint">The token is checked once and kept in an HttpOnly cookie for this site. Programs (the JSON API, MCP clients) send it as <code>Authorization: Bearer &lt;token&gt;</code> instead.</p>`;
  return layout(ctx, 'Sign in', body);
}
