/**
 * What a link in a rendered report points at. Reports cite sources as paths relative to the report
 * file (`../../src/x.ts#L3-L5`); a model-backed report may also link to web pages. Everything else —
 * `javascript:`, `data:`, `file:`, `command:`, protocol-relative `//host`, in-page anchors — goes
 * nowhere. Used by the page to decide what to ask for; the host re-checks what it is asked.
 *
 * No `vscode`, no DOM and no Node built-ins: the webview bundle imports this file.
 */
export type LinkTarget =
  | { kind: 'source'; path: string; startLine?: number; endLine?: number }
  | { kind: 'external'; url: string }
  | { kind: 'none'; why: string };

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const LINES = /^L(\d{1,9})(?:-L?(\d{1,9}))?$/;

export function classifyLink(href: string): LinkTarget {
  const raw = href.trim();
  if (raw === '') return { kind: 'none', why: 'empty link' };
  if (/^https?:/i.test(raw)) return externalTarget(raw);
  if (SCHEME.test(raw)) return { kind: 'none', why: `links of scheme ${raw.slice(0, raw.indexOf(':') + 1)} are not followed` };
  if (raw.startsWith('//') || raw.startsWith('\\\\')) return { kind: 'none', why: 'protocol-relative links are not followed' };
  if (raw.startsWith('#')) return { kind: 'none', why: 'in-page anchor' };

  const hash = raw.indexOf('#');
  const beforeHash = hash >= 0 ? raw.slice(0, hash) : raw;
  const fragment = hash >= 0 ? raw.slice(hash + 1) : '';
  const query = beforeHash.indexOf('?');
  let path: string;
  try {
    path = decodeURIComponent(query >= 0 ? beforeHash.slice(0, query) : beforeHash);
  } catch {
    return { kind: 'none', why: 'badly encoded path' };
  }
  if (path === '' || path.includes('\0')) return { kind: 'none', why: 'no path' };

  const lines = LINES.exec(fragment);
  if (!lines) return { kind: 'source', path };
  const startLine = Math.max(1, Number(lines[1]));
  const endLine = Math.max(startLine, Number(lines[2] ?? lines[1]));
  return { kind: 'source', path, startLine, endLine };
}

/** True for what must never be opened as a file: anything with a scheme or a host. */
export function hasSchemeOrHost(path: string): boolean {
  return SCHEME.test(path.trim()) || /^\s*(\/\/|\\\\)/.test(path);
}

function externalTarget(raw: string): LinkTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { kind: 'none', why: 'malformed web address' };
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return { kind: 'none', why: 'not a web address' };
  // Credentials in a link are a classic way to disguise where it goes.
  if (url.username !== '' || url.password !== '') return { kind: 'none', why: 'web address with credentials' };
  return { kind: 'external', url: url.href };
}
