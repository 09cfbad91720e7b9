import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyLink, hasSchemeOrHost } from '../../../src/shared/link-target';
import { resolveSourceFile, resolveSourcePath } from '../../../src/extension/webview/source-link';

describe('report links', () => {
  describe('classifyLink', () => {
    it('reads a citation: a path relative to the report with a line range', () => {
      assert.deepEqual(classifyLink('../../src/x.ts#L3-L5'), { kind: 'source', path: '../../src/x.ts', startLine: 3, endLine: 5 });
      assert.deepEqual(classifyLink('../../notes/a%20b.md#L7'), { kind: 'source', path: '../../notes/a b.md', startLine: 7, endLine: 7 });
      assert.deepEqual(classifyLink('../../README.md'), { kind: 'source', path: '../../README.md' });
      assert.deepEqual(classifyLink('a.ts#L9-L2'), { kind: 'source', path: 'a.ts', startLine: 9, endLine: 9 }, 'a reversed range is one line');
      assert.deepEqual(classifyLink('a.ts#heading'), { kind: 'source', path: 'a.ts' });
    });

    it('reads http(s) links as web addresses', () => {
      assert.deepEqual(classifyLink('https://example.com/docs?q=1#x'), { kind: 'external', url: 'https://example.com/docs?q=1#x' });
      assert.deepEqual(classifyLink('HTTP://Example.com'), { kind: 'external', url: 'http://example.com/' });
    });

    const refused = [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox',
      'file:///etc/passwd',
      'command:workbench.action.terminal.new',
      'vscode://settings',
      '//evil.example/x',
      '\\\\server\\share',
      '#section',
      '',
      'https://user:pw@example.com/',
      'http://',
      '%E0%A4%A',
    ];
    for (const href of refused) {
      it(`goes nowhere for ${JSON.stringify(href)}`, () => {
        assert.equal(classifyLink(href).kind, 'none');
      });
    }

    it('tells the host which paths carry a scheme or a host', () => {
      assert.ok(hasSchemeOrHost('javascript:alert(1)'));
      assert.ok(hasSchemeOrHost('//host/x'));
      assert.ok(hasSchemeOrHost('C:\\Windows\\win.ini'));
      assert.ok(!hasSchemeOrHost('../../src/a.ts'));
    });
  });

  describe('resolveSourcePath', () => {
    const root = join(tmpdir(), 'ws');
    const report = join(root, '.research', 'run-1', 'report.md');

    it('resolves a citation against the report’s folder, inside the workspace', () => {
      assert.deepEqual(resolveSourcePath('../../src/x.ts', report, [root]), { ok: true, file: join(root, 'src', 'x.ts') });
      assert.deepEqual(resolveSourcePath('notes.md', report, [root]), { ok: true, file: join(root, '.research', 'run-1', 'notes.md') });
    });

    it('refuses a path that climbs out of the workspace', () => {
      const result = resolveSourcePath('../../../etc/passwd', report, [root]);
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.why, /outside the workspace/);
      assert.equal(resolveSourcePath('../../../ws-other/x', report, [root]).ok, false, 'a sibling whose name starts the same');
    });

    it('refuses absolute paths and NUL characters', () => {
      assert.equal(resolveSourcePath('/etc/passwd', report, [root]).ok, false);
      assert.equal(resolveSourcePath(join(root, 'src/x.ts'), report, [root]).ok, false);
      assert.equal(resolveSourcePath('C:\\Windows\\win.ini', report, [root]).ok, false);
      assert.equal(resolveSourcePath('../../src/x.ts\0.png', report, [root]).ok, false);
    });

    it('accepts any of several workspace folders, and nothing without one', () => {
      const other = join(tmpdir(), 'other-ws');
      assert.equal(resolveSourcePath('../../../other-ws/a.md', report, [root, other]).ok, true);
      assert.equal(resolveSourcePath('../../src/x.ts', report, []).ok, false);
    });
  });

  describe('resolveSourceFile', () => {
    let dir: string;
    let root: string;
    let report: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'links-'));
      root = join(dir, 'ws');
      mkdirSync(join(root, 'src'), { recursive: true });
      mkdirSync(join(root, '.research', 'run-1'), { recursive: true });
      writeFileSync(join(root, 'src', 'x.ts'), 'export {};\n');
      writeFileSync(join(dir, 'secret.txt'), 'outside\n');
      symlinkSync(join(dir, 'secret.txt'), join(root, 'src', 'leak.txt'));
      report = join(root, '.research', 'run-1', 'report.md');
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('opens a file that exists inside the workspace', async () => {
      const result = await resolveSourceFile('../../src/x.ts', report, [root]);
      assert.ok(result.ok, JSON.stringify(result));
    });

    it('refuses a symlink that leads outside the workspace', async () => {
      const result = await resolveSourceFile('../../src/leak.txt', report, [root]);
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.why, /outside the workspace/);
    });

    it('says when the file does not exist', async () => {
      const result = await resolveSourceFile('../../src/missing.ts', report, [root]);
      assert.deepEqual(result, { ok: false, why: '../../src/missing.ts does not exist' });
    });
  });
});
