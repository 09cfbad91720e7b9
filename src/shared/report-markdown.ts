/**
 * How a report's Markdown becomes HTML, wherever it is shown: the progress panel's page and the
 * exported HTML file use these options. Raw HTML is off, so a source's text can never become markup;
 * typographer and linkify are off, so the text reads as it was quoted.
 *
 * No `vscode`, no DOM and no Node built-ins: the webview bundle imports this file.
 */
export const MARKDOWN_OPTIONS = { html: false, linkify: false, typographer: false, breaks: false } as const;

/** The only elements and attributes a rendered report may hold, in the panel (DOMPurify) and in an export. */
export const ALLOWED_TAGS = [
  'a', 'blockquote', 'br', 'code', 'del', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'li', 'ol', 'p', 'pre', 's',
  'strong', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul',
];
export const ALLOWED_ATTR = ['href', 'title', 'start', 'colspan', 'rowspan', 'align'];
