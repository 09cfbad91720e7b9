/**
 * The progress panel's HTML: a static shell the page script fills in. Nothing from a run is put into
 * it — the script draws the run from messages — so the only inputs are the resource URIs, which are
 * escaped anyway.
 *
 * Content-Security-Policy: nothing by default; styles and fonts only from the extension's webview
 * resources; scripts only with this load's nonce; images only local or data: (markdown could ask for
 * remote ones — they are not fetched). No inline styles or scripts.
 */
export interface PanelHtmlInputs {
  /** `webview.cspSource`. */
  cspSource: string;
  /** Fresh for every load of the HTML. */
  nonce: string;
  /** `webview.asWebviewUri(...)` of the page script and the stylesheet, as strings. */
  scriptUri: string;
  styleUri: string;
}

export const PANEL_TITLE = 'Research Progress';

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** A nonce: 32 characters from a CSPRNG (Web Crypto exists in Node 20 and in the extension host). */
export function createNonce(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

export function buildPanelHtml(inputs: PanelHtmlInputs): string {
  if (!/^[A-Za-z0-9_-]{16,}$/.test(inputs.nonce)) throw new Error('the nonce must be at least 16 characters of [A-Za-z0-9_-]');
  const attr = escapeAttribute;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(inputs.cspSource, inputs.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(inputs.styleUri)}">
<title>${PANEL_TITLE}</title>
</head>
<body>
<header class="run-header">
  <div class="run-title">
    <h1 id="question" data-testid="question">No research run yet</h1>
    <div id="run-meta" class="run-meta" data-testid="run-meta">Run <strong>Research: Start</strong> to begin; its progress appears here.</div>
  </div>
  <div class="actions" role="toolbar" aria-label="Run actions">
    <button id="cancel-run" data-testid="cancel-run" type="button" disabled>Cancel Run</button>
    <button id="replan" data-testid="replan" type="button" class="secondary" disabled>Replan…</button>
    <button id="open-report" data-testid="open-report" type="button" class="secondary" disabled>Open Report</button>
  </div>
</header>
<section class="summary" aria-label="Progress">
  <div id="progress-bar" class="progress-bar" data-testid="progress-bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"></div>
  <div id="counts" class="counts" data-testid="counts" aria-live="polite"></div>
  <div id="figures" class="figures" data-testid="figures"></div>
  <ul id="notices" class="notices" data-testid="notices"></ul>
</section>
<div class="columns">
  <section class="panel graph-panel" aria-labelledby="graph-heading">
    <h2 id="graph-heading">Task graph</h2>
    <div id="graph" class="graph" data-testid="graph"></div>
  </section>
  <section class="panel details-panel" aria-labelledby="details-heading">
    <h2 id="details-heading">Task</h2>
    <div id="task-details" class="task-details" data-testid="task-details"><p class="muted">Select a task in the graph or the timeline.</p></div>
  </section>
</div>
<section class="panel" aria-labelledby="timeline-heading">
  <h2 id="timeline-heading">Timeline</h2>
  <div id="timeline" class="timeline" data-testid="timeline"></div>
</section>
<section class="panel" aria-labelledby="report-heading">
  <h2 id="report-heading">Report</h2>
  <article id="report" class="report markdown-body" data-testid="report"><p class="muted">The report appears here when the run ends.</p></article>
</section>
<script nonce="${attr(inputs.nonce)}" src="${attr(inputs.scriptUri)}"></script>
</body>
</html>
`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
