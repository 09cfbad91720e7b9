/**
 * `npm run bench [-- --quick] [-- --only overhead,makespan,...]`: runs the benchmarks in one process,
 * each beside its baseline, and writes bench/results.md and bench/charts/*.svg. Benchmarks are not
 * tests: nothing here fails on a number. The process exits non-zero only when a benchmark crashed.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { benchCancel } from './benchmarks/cancel';
import { benchExtension } from './benchmarks/extension';
import { benchMakespan } from './benchmarks/makespan';
import { benchOffline } from './benchmarks/offline';
import { benchOverhead } from './benchmarks/overhead';
import { benchRetrieval } from './benchmarks/retrieval';
import { benchStorm } from './benchmarks/storm';
import { benchWorkers } from './benchmarks/workers';
import type { BenchContext, BenchSection } from './benchmarks/types';
import { machine } from './support/measure';
import { mergeResults, tagHeadline } from './support/results-merge';

const BENCHMARKS: Record<string, (ctx: BenchContext) => Promise<BenchSection>> = {
  overhead: benchOverhead,
  makespan: benchMakespan,
  cancel: benchCancel,
  storm: benchStorm,
  offline: benchOffline,
  extension: benchExtension,
  workers: benchWorkers,
  retrieval: benchRetrieval,
};

const USAGE = `usage: npm run bench [-- --quick] [-- --only ${Object.keys(BENCHMARKS).join(',')}] [-- --out <folder>]`;

function parseArgs(argv: readonly string[]): { quick: boolean; only: string[]; out: string } {
  let quick = false;
  let only = Object.keys(BENCHMARKS);
  let out = path.resolve(__dirname);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--only') {
      only = (argv[++i] ?? '').split(',').filter(Boolean);
      const unknown = only.filter((name) => !(name in BENCHMARKS));
      if (unknown.length > 0 || only.length === 0) throw new Error(`--only: unknown benchmark ${unknown.join(', ') || '(none given)'}\n${USAGE}`);
    } else if (arg === '--out') {
      // `npm run` starts scripts in the package's folder; INIT_CWD is where the person typed the command.
      out = path.resolve(process.env.INIT_CWD || process.cwd(), argv[++i] ?? '.');
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return { quick, only, out };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const ctx: BenchContext = { quick: args.quick, log: (message) => process.stderr.write(`${message}\n`) };
  const host = machine();
  ctx.log(`Benchmarks${args.quick ? ' (quick)' : ''} on ${host.cpu} ×${host.cores}, Node ${host.node}`);
  if (!(globalThis as { gc?: unknown }).gc) ctx.log('(node runs without --expose-gc: garbage from one run may be billed to the next)');

  const sections: (BenchSection & { name: string })[] = [];
  let crashed = 0;
  for (const name of args.only) {
    const t0 = performance.now();
    ctx.log(`▶ ${name}`);
    try {
      sections.push({ ...(await BENCHMARKS[name]!(ctx)), name });
    } catch (error) {
      crashed++;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      ctx.log(`✘ ${name} crashed: ${message}`);
      sections.push({ name, title: name, markdown: `**The benchmark crashed:** \`${message.split('\n')[0]}\``, charts: [], headline: [] });
    }
    ctx.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const totalSeconds = (performance.now() - started) / 1000;

  await mkdir(path.join(args.out, 'charts'), { recursive: true });
  for (const section of sections) {
    for (const chart of section.charts) await writeFile(path.join(args.out, 'charts', chart.file), chart.svg, 'utf8');
  }
  const markdown = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench${args.quick ? ' -- --quick' : ''}\` — ${args.quick ? 'the **quick** run: smaller sizes, fewer repetitions' : 'the full run'}. Benchmarks are not tests: the numbers depend on the machine and its load, so compare the rows of one table (measured in the same process, minutes apart) rather than numbers across machines.`,
    '',
    `- **Machine:** ${host.cpu}, ${host.cores} logical cores, ${host.memoryGiB} GiB memory, ${host.os}`,
    `- **Node:** ${host.node}`,
    `- **Date:** ${host.date}`,
    `- **Duration of the run:** ${totalSeconds.toFixed(0)} s${args.only.length < Object.keys(BENCHMARKS).length ? ` (only: ${args.only.join(', ')})` : ''}`,
    '',
    '## Summary',
    '',
    ...sections.flatMap((s) => s.headline.map((line) => `- ${tagHeadline(s.name, line)}`)),
    '',
    ...sections.flatMap((s) => [`## ${s.title}`, '', s.markdown, '']),
  ].join('\n');
  const resultsFile = path.join(args.out, 'results.md');
  // A partial run (--only) replaces its own sections of an existing results.md and keeps the rest.
  const previous = args.only.length < Object.keys(BENCHMARKS).length ? await readFile(resultsFile, 'utf8').catch(() => undefined) : undefined;
  const note = `Re-measured on its own by \`npm run bench -- --only ${args.only.join(',')}${args.quick ? ' --quick' : ''}\` on ${host.date} (${host.cpu}, ${host.cores} cores, Node ${host.node}); the machine and date at the top are those of the last full run.`;
  const content = previous === undefined ? markdown : mergeResults(previous, sections, note);
  await writeFile(resultsFile, content, 'utf8');
  ctx.log(`Wrote ${path.relative(process.cwd(), resultsFile) || resultsFile} in ${totalSeconds.toFixed(0)} s`);
  return crashed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
