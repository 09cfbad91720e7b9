import type { PageMessage, PanelSnapshot } from '../../shared/protocol';
import { classifyLink } from '../../shared/link-target';
import { h } from './dom';
import type { ReportRenderer } from './report-render';

/**
 * The finished report, rendered and sanitized. Clicking a citation asks the host to open the cited
 * lines; a web link asks the host to open a browser; anything else does nothing.
 */
export class ReportView {
  private shown: string | undefined;

  constructor(
    private readonly container: HTMLElement,
    private readonly render: ReportRenderer,
    post: (message: PageMessage) => void,
  ) {
    container.addEventListener('click', (event) => {
      const anchor = (event.target as Element | null)?.closest('a');
      if (!anchor || !container.contains(anchor)) return;
      // Never let the webview follow a link itself.
      event.preventDefault();
      const message = messageForLink(anchor.getAttribute('href') ?? '');
      if (message) post(message);
    });
  }

  update(snapshot: PanelSnapshot): void {
    const markdown = snapshot.reportMarkdown;
    if (markdown === this.shown) return;
    this.shown = markdown;
    if (markdown === undefined) {
      const text = snapshot.status === 'ended' ? 'The report was not written.' : 'The report appears here when the run ends.';
      this.container.replaceChildren(h('p', { class: 'muted' }, text));
      return;
    }
    this.container.replaceChildren(this.render(markdown));
  }
}

/** What a click on a report link asks the host for, if anything. */
export function messageForLink(href: string): PageMessage | undefined {
  const target = classifyLink(href);
  if (target.kind === 'source') return { type: 'openSource', path: target.path, startLine: target.startLine, endLine: target.endLine };
  if (target.kind === 'external') return { type: 'openExternal', url: target.url };
  return undefined;
}
