import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { writeFileAtomic } from '../core/report-file';
import { classifyLink } from '../shared/link-target';
import { ALLOWED_ATTR, ALLOWED_TAGS, MARKDOWN_OPTIONS } from '../shared/report-markdown';

/**
 * The report as one self-contained HTML file: its styles inline, no script, and a Content-Security-Policy
 * that loads nothing. Rendered like the progress panel renders it (the same markdown-it options, raw
 * HTML off, so a source's text stays text, and the same allow-list of elements and attributes), with
 * the panel's link rules: citations stay relative links
 * to the cited files, web sources stay links, and any other link (`javascript:`, `command:`, `data:`,
 * in-page) is shown as its text only. Images are not rendered.
 */
export function renderReportHtml(markdown: string, title: string): string {
  const md = new MarkdownIt('default', MARKDOWN_OPTIONS);
  md.validateLink = (url) => classifyLink(url).kind !== 'none';
  md.disable('image');
  const body = checkedMarkup(md.render(markdown));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Research Dispatcher">
<title>${md.utils.escapeHtml(title)}</title>
<style>${STYLES}</style>
</head>
<body>
<main>
${body}</main>
</body>
</html>
`;
}

/**
 * The panel's second layer, DOMPurify, needs a DOM, which the extension host has not: the same
 * allow-list is applied to the rendered markup here. An attribute outside it (a code block's language
 * class, a table column's alignment) is dropped, as DOMPurify drops it; an element outside it (which
 * markdown-it with raw HTML off never emits) stops the export rather than reaching the file.
 */
function checkedMarkup(rendered: string): string {
  return rendered.replace(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g, (_tag, close: string, name: string, attributes: string) => {
    if (!ALLOWED_TAGS.includes(name.toLowerCase())) throw new Error(`the rendered report holds a <${name}> element, which reports may not`);
    const kept = [...attributes.matchAll(/\s([a-zA-Z-]+)="([^"]*)"/g)].filter(([, attribute]) => ALLOWED_ATTR.includes(attribute!.toLowerCase()));
    return `<${close}${name}${kept.map(([, attribute, value]) => ` ${attribute}="${value}"`).join('')}>`;
  });
}

/** Writes `report.html` beside the Markdown report (atomically) and returns its path. */
export async function exportReportHtml(reportPath: string): Promise<string> {
  const markdown = await readFile(reportPath, 'utf8');
  const title = /^# (.+)$/m.exec(markdown)?.[1]?.trim() || 'Research report';
  const htmlPath = path.join(path.dirname(reportPath), `${path.basename(reportPath, path.extname(reportPath))}.html`);
  await writeFileAtomic(htmlPath, renderReportHtml(markdown, title));
  return htmlPath;
}

/** Readable in light and dark, like the editor's Markdown preview; print-friendly. */
const STYLES = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --rule: #d1d9e0; --code: #f6f8fa; --link: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #d1d7e0; --bg: #1e1e1e; --muted: #9198a1; --rule: #3d444d; --code: #262c36; --link: #4493f8; } }
body { margin: 0; background: var(--bg); color: var(--fg); font: 16px/1.6 -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; }
main { max-width: 50rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1, h2, h3 { line-height: 1.25; margin: 1.6em 0 0.6em; }
h1 { font-size: 1.9rem; margin-top: 0; }
h2 { font-size: 1.35rem; padding-bottom: 0.3em; border-bottom: 1px solid var(--rule); }
a { color: var(--link); text-decoration: none; overflow-wrap: anywhere; }
a:hover { text-decoration: underline; }
blockquote { margin: 0.8em 0; padding: 0 1em; color: var(--muted); border-left: 0.25em solid var(--rule); }
code, pre { font: 0.88em/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--code); border-radius: 6px; }
code { padding: 0.15em 0.35em; }
pre { padding: 0.9em 1em; overflow-x: auto; }
pre code { padding: 0; background: none; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid var(--rule); padding: 0.35em 0.8em; text-align: left; vertical-align: top; }
li + li { margin-top: 0.3em; }
@media print { body { background: #fff; color: #000; } a { color: inherit; } main { max-width: none; } }
`;
