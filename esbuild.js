// Bundles the extension, its lazily loaded Redis part and the headless CLI. `--production` minifies;
// `--watch` rebuilds on change; `--quiet` prints nothing but errors (used by `npm run research`, whose
// stdout belongs to the CLI).
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const quiet = process.argv.includes('--quiet');

/** Reports build results in the format VS Code's `$esbuild-watch` problem matcher reads. */
const problemMatcherPlugin = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: quiet ? 'error' : 'silent',
  plugins: [problemMatcherPlugin],
  // jsonc-parser's "main" is a UMD build whose dynamic require() of its own files esbuild cannot follow;
  // its ES module build bundles cleanly.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
};

const builds = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // Workers on Redis (bullmq, ioredis): loaded by the extension only when research.redis.url is set,
  // so the extension's own bundle does not carry them.
  { ...common, entryPoints: ['src/distributed/index.ts'], outfile: 'dist/distributed.js' },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  // `npm run worker`: runs subtasks for dispatchers on other machines, through Redis.
  {
    ...common,
    entryPoints: ['src/cli/worker-main.ts'],
    outfile: 'dist/worker.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  // `npm run -s mcp`: the Model Context Protocol server over stdio.
  {
    ...common,
    entryPoints: ['src/mcp/main.ts'],
    outfile: 'dist/mcp.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  // The progress panel's page script: runs in the webview (a browser), loaded from dist/webview/.
  {
    ...common,
    entryPoints: ['src/webview/progress/main.ts'],
    outfile: 'dist/webview/progress.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    tsconfig: 'src/webview/tsconfig.json',
  },
];

async function main() {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  if (watch) {
    await Promise.all(contexts.map((ctx) => ctx.watch()));
    return;
  }
  try {
    await Promise.all(contexts.map((ctx) => ctx.rebuild()));
  } finally {
    await Promise.all(contexts.map((ctx) => ctx.dispose()));
  }
}

main().catch((error) => {
  if (!error?.errors) console.error(error);
  process.exit(1);
});
