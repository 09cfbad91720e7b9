import { convert, type HtmlToTextOptions } from 'html-to-text';

/**
 * Turns a web page into the readable text that is stored and cited. Only the main content is kept
 * (`<main>` when the page has one, else `<body>`); scripts, styles, navigation, headers, footers,
 * forms, images and elements hidden with `hidden`, `aria-hidden` or inline `display: none` are dropped. Links keep their text, not their targets. Lines are not wrapped, so
 * a quoted sentence stays on one line of the stored text unless the page itself breaks it.
 */

const DROPPED = [
  'script', 'style', 'noscript', 'template', 'svg', 'canvas', 'iframe', 'object', 'embed',
  'nav', 'header', 'footer', 'aside', 'form', 'button', 'select', 'img', 'picture', 'video', 'audio',
  '[hidden]', '[aria-hidden=true]', '[role=navigation]',
  // Text hidden from people is a favourite place for instructions aimed at models.
  '[style*="display:none"]', '[style*="display: none"]', '[style*="visibility:hidden"]', '[style*="visibility: hidden"]',
];

const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  baseElements: { selectors: ['main', '[role=main]', 'body'], orderBy: 'selectors', returnDomByDefault: true },
  limits: { maxBaseElements: 1, ellipsis: '…' },
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    ...[1, 2, 3, 4, 5, 6].map((n) => ({ selector: `h${n}`, options: { uppercase: false } })),
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    ...DROPPED.map((selector) => ({ selector, format: 'skip' })),
  ],
};

export function htmlToPlainText(html: string): string {
  return tidyText(convert(html, OPTIONS));
}

/** Line endings to \n, no trailing spaces, at most one blank line in a row, no blank edges. */
export function tidyText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '');
}

/** The page's `<title>`, entities decoded and whitespace collapsed; '' when it has none. */
export function htmlTitle(html: string): string {
  const match = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html);
  if (!match?.[1]) return '';
  return convert(match[1], { wordwrap: false }).replace(/\s+/g, ' ').trim();
}
