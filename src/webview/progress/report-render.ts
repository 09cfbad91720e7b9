import createDOMPurify, { type Config, type WindowLike } from 'dompurify';
import MarkdownIt from 'markdown-it';
import { ALLOWED_ATTR, ALLOWED_TAGS, MARKDOWN_OPTIONS } from '../../shared/report-markdown';

/**
 * Markdown → sanitized DOM for the report. Two layers: markdown-it with raw HTML off (a source's text
 * can never become markup) and its link check (no `javascript:`/`vbscript:`/`file:`/`data:` links),
 * then DOMPurify over the result with a short allow-list, in case either ever lets something through.
 * Links are kept as written; the page intercepts clicks and decides what each may open.
 */
export { MARKDOWN_OPTIONS };


export const SANITIZE_CONFIG: Config = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  // Relative paths, anchors and http(s) only: no other scheme survives, whatever markdown-it allowed.
  ALLOWED_URI_REGEXP: /^(?:https?:|#|[^a-z]|[a-z0-9+.-]+(?:[^a-z0-9+.\-:]|$))/i,
};

export type ReportRenderer = (markdown: string) => DocumentFragment;

export function createReportRenderer(window: WindowLike): ReportRenderer {
  const markdown = new MarkdownIt('default', MARKDOWN_OPTIONS);
  const purify = createDOMPurify(window);
  return (text) => purify.sanitize(markdown.render(text), { ...SANITIZE_CONFIG, RETURN_DOM_FRAGMENT: true });
}
