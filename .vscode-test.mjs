// Integration tests in VS Code desktop through @vscode/test-cli (`npx vscode-test`), for machines with
// internet access: @vscode/test-electron downloads VS Code into .vscode-test/ on first use.
// Build first: `npm run build && node test/vscode/build-tests.mjs`.
// Offline (and in CI here) the same tests run through test/vscode/run.mjs on code-server instead.
// Note: the tests write their runs into the fixture itself here (<fixture>/.research/, gitignored),
// whereas run.mjs gives them a temp copy.
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'integration',
  files: 'dist/test/integration/**/*.test.js',
  version: '1.99.3',
  workspaceFolder: './test/integration/fixture-workspace',
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: {
    ui: 'bdd',
    timeout: 60_000,
  },
});
