/** The jobs page: recent index jobs with their state, progress and error, and how to queue one. */
import type { JobRecord } from '../../db/job-queue.js';
import { markup } from '../html.js';
import { repoUrl } from '../urls.js';
import { breadcrumbs, formatTime, layout, shortSha, type PageContext } from './layout.js';

function progressText(job: JobRecord): string {
  if (job.state !== 'running' || !job.progress) return '';
  const p = job.progress;
  return p.filesTotal > 0 ? `${p.stage} ${p.filesDone}/${p.filesTotal} files` : p.stage;
}

/** Renders the jobs page (newest first). */
export function renderJobsPage(ctx: PageContext, jobs: JobRecord[]): string {
  const rows = jobs.map(
    (j) => markup`<tr data-job="${j.id}" data-state="${j.state}">
<td><span class="job-state job-${j.state}">${j.state}</span></td>
<td>${j.state === 'done' ? markup`<a href="${repoUrl(j.repo)}">${j.repo}</a>` : j.repo}</td>
<td class="mono">${j.ref}${j.commit ? markup` @ <span title="${j.commit}">${shortSha(j.commit)}</span>` : ''}</td>
<td>${progressText(j)}</td>
<td class="num">${j.attempts}</td>
<td>${formatTime(j.createdAt)}</td>
<td>${j.error ?? ''}</td>
</tr>`,
  );
  const table = jobs.length
    ? markup`<table class="data" id="jobs"><thead><tr><th>State</th><th>Repository</th><th>Ref @ commit</th><th>Progress</th><th class="num">Attempts</th><th>Queued</th><th>Last error</th></tr></thead><tbody>${rows}</tbody></table>`
    : markup`<p class="empty" id="jobs">No index jobs yet.</p>`;
  const body = markup`${breadcrumbs([{ label: 'hub', href: '/' }, { label: 'jobs' }])}
<h1>Index jobs <span class="count">${jobs.length}</span></h1>
${table}
<p class="hint">Queue one with an admin token: <code>curl -X POST -H 'Authorization: Bearer TOKEN' -H 'Content-Type: application/json' -d '{"url": "https://github.com/owner/name", "ref": "main"}' ${ctx.mcpUrl.replace(/\/mcp$/, '')}/api/v1/repos</code>. Reload to see progress.</p>`;
  return layout(ctx, 'Jobs', body);
}
