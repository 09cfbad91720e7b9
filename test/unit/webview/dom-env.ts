import { JSDOM } from 'jsdom';
import { buildPanelHtml } from '../../../src/extension/webview/html';

/**
 * The panel's real HTML in jsdom, with `document` made global for the views (which use it, as in the
 * webview). Call the returned function to take the globals down again.
 */
export function panelDom(): { window: JSDOM['window']; document: Document; close: () => void } {
  const html = buildPanelHtml({ cspSource: 'https://webview.test', nonce: 'testNonce0123456789abc', scriptUri: 'https://webview.test/p.js', styleUri: 'https://webview.test/p.css' });
  // No script runs: the views under test are driven from the test.
  const dom = new JSDOM(html, { url: 'https://webview.test/index.html' });
  const globals = globalThis as unknown as Record<string, unknown>;
  const saved = { document: globals.document };
  globals.document = dom.window.document;
  return {
    window: dom.window,
    document: dom.window.document,
    close: () => {
      globals.document = saved.document;
      dom.window.close();
    },
  };
}
