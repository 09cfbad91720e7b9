import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { buildPanelHtml, contentSecurityPolicy, createNonce, PANEL_TITLE } from '../../../src/extension/webview/html';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const SCRIPT = `${CSP_SOURCE}/ext/dist/webview/progress.js`;
const STYLE = `${CSP_SOURCE}/ext/media/webview/progress.css`;

function page(nonce = createNonce()) {
  const html = buildPanelHtml({ cspSource: CSP_SOURCE, nonce, scriptUri: SCRIPT, styleUri: STYLE });
  return { html, nonce, document: new JSDOM(html).window.document };
}

describe('progress panel HTML', () => {
  it('declares a strict Content-Security-Policy with this load’s nonce', () => {
    const { document, nonce } = page();
    const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), [`'nonce-${nonce}'`]);
    assert.deepEqual(directives.get('style-src'), [CSP_SOURCE]);
    assert.deepEqual(directives.get('img-src'), [CSP_SOURCE, 'data:']);
    assert.deepEqual(directives.get('font-src'), [CSP_SOURCE]);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
  });

  it('loads one script, with the nonce, from the webview URI, and nothing inline', () => {
    const { document, nonce } = page();
    const scripts = [...document.querySelectorAll('script')];
    assert.equal(scripts.length, 1);
    assert.equal(scripts[0]?.getAttribute('nonce'), nonce);
    assert.equal(scripts[0]?.getAttribute('src'), SCRIPT);
    assert.equal(scripts[0]?.textContent, '');
  });

  it('styles only through the stylesheet: no <style>, no style or event-handler attributes', () => {
    const { document, html } = page();
    assert.equal(document.querySelectorAll('style').length, 0);
    assert.deepEqual([...document.querySelectorAll('link[rel=stylesheet]')].map((l) => l.getAttribute('href')), [STYLE]);
    const attributes = [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].map((a) => a.name));
    assert.ok(!attributes.includes('style'), 'a style attribute');
    assert.deepEqual(attributes.filter((a) => a.startsWith('on')), []);
    assert.ok(!/javascript:/i.test(html));
  });

  it('has the elements the UI tests look for, and the panel title', () => {
    const { document } = page();
    for (const id of ['counts', 'graph', 'timeline', 'report']) {
      const element = document.getElementById(id);
      assert.ok(element, `#${id}`);
      assert.equal(element.getAttribute('data-testid'), id);
    }
    assert.equal(document.title, PANEL_TITLE);
    assert.equal(PANEL_TITLE, 'Research Progress');
  });

  it('escapes what it is given and refuses a nonce that could break out of the policy', () => {
    const html = buildPanelHtml({ cspSource: CSP_SOURCE, nonce: createNonce(), scriptUri: `${SCRIPT}"><script>alert(1)</script>`, styleUri: STYLE });
    assert.equal(new JSDOM(html).window.document.querySelectorAll('script').length, 1);
    assert.throws(() => buildPanelHtml({ cspSource: CSP_SOURCE, nonce: "abc' 'unsafe-inline", scriptUri: SCRIPT, styleUri: STYLE }), /nonce/);
  });

  it('makes a different, long nonce for every load', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => createNonce()));
    assert.equal(nonces.size, 50);
    for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9_-]{32}$/);
    assert.match(contentSecurityPolicy('x', 'n'), /script-src 'nonce-n'/);
  });
});
