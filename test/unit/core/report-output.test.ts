import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EventBus } from '../../../src/core/events';
import { readRunMeta } from '../../../src/core/journal/run-meta';
import { assertWritableReportPath } from '../../../src/core/output-check';
import { writeFileAtomic, type WriteFile } from '../../../src/core/report-file';
import { research } from '../../../src/core/research';
import { resumeResearch } from '../../../src/core/resume';
import { chainPlan, countingProvider, tempRoot } from './journal/fixtures';

/** Fails like a full disk for the files named, writes the others atomically. */
function failingFor(...files: string[]): WriteFile {
  return async (file, text) => {
    if (files.includes(file)) throw Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC' });
    await writeFileAtomic(file, text);
  };
}

function warningsOf(bus: EventBus): string[] {
  const warnings: string[] = [];
  bus.on('log', (e) => e.level === 'warn' && warnings.push(e.message));
  return warnings;
}

describe('the report is never lost', () => {
  it('refuses an --out that is a folder before planning: nothing planned, nothing run, no run folder', async () => {
    const root = tempRoot();
    let planned = false;
    const provider = { ...countingProvider(), plan: async () => ((planned = true), chainPlan(['a'])) };
    await assert.rejects(research({ question: 'q', root, provider, outFile: root, runId: 'r' }), /the report path .* is a folder/);
    assert.equal(planned, false);
    assert.equal(provider.runs.size, 0);
    assert.equal(existsSync(path.join(root, '.research')), false);
  });

  it('when the report cannot be written at the end, writes it in the run’s folder, says where, and records it in run.json', async () => {
    const root = tempRoot();
    const outFile = path.join(tempRoot(), 'report.md');
    const bus = new EventBus();
    const warnings = warningsOf(bus);
    const result = await research({ question: 'q', root, provider: countingProvider(), plan: chainPlan(['a']), runId: 'r', bus, outFile, writeReport: failingFor(outFile) });
    const inRunDir = path.join(root, '.research', 'r', 'report.md');
    assert.equal(result.reportPath, inRunDir);
    assert.match(readFileSync(inRunDir, 'utf8'), /Research Dispatcher · run `r`/);
    assert.equal(existsSync(outFile), false);
    assert.match(warnings.join('\n'), new RegExp(`the report could not be written to ${outFile} \\(ENOSPC.*\\); it was written to ${inRunDir} instead`));
    assert.equal(readRunMeta(path.join(root, '.research', 'r'))!.reportPath, inRunDir);
  });

  it('falls back to the temporary folder when the run’s folder cannot take it either', async () => {
    const root = tempRoot();
    const runId = `fallback-${process.pid}-${Date.now()}`;
    const inRunDir = path.join(root, '.research', runId, 'report.md');
    const result = await research({ question: 'q', root, provider: countingProvider(), plan: chainPlan(['a']), runId, writeReport: failingFor(inRunDir) });
    assert.equal(result.reportPath, path.join(tmpdir(), `research-${runId}-report.md`));
    assert.ok(existsSync(result.reportPath));
    rmSync(result.reportPath);
  });

  it('a write that fails half-way leaves the earlier report whole and no temporary file behind', async () => {
    const dir = tempRoot();
    const report = path.join(dir, 'report.md');
    writeFileSync(report, 'the earlier report');
    await writeFileAtomic(report, 'the new report');
    assert.equal(readFileSync(report, 'utf8'), 'the new report');
    const folder = path.join(dir, 'taken');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'inside'), 'x');
    await assert.rejects(writeFileAtomic(folder, 'a report'), /is not a regular file; it was left as it is/);
    assert.deepEqual(readdirSync(folder), ['inside']);
    assert.deepEqual(readdirSync(dir).sort(), ['report.md', 'taken'], 'no temporary file left');
  });

  it('never replaces a device or pipe standing where the report goes (a rename would)', async () => {
    const dir = tempRoot();
    const pipe = path.join(dir, 'pipe');
    execFileSync('mkfifo', [pipe]);
    await assert.rejects(writeFileAtomic(pipe, 'a report'), /is not a regular file/);
    assert.ok(lstatSync(pipe).isFIFO(), 'the pipe is still there');
    assert.throws(() => assertWritableReportPath(pipe), /the report path .*pipe is not a regular file \(a device, pipe or socket\): give a file path/);
  });

  it('resuming a completed run whose report was deleted writes the report again without running a task', async () => {
    const root = tempRoot();
    const done = await research({ question: 'q', root, provider: countingProvider(), plan: chainPlan(['a', 'b']), runId: 'r' });
    rmSync(done.reportPath);
    const second = countingProvider();
    const resumed = await resumeResearch({ runId: 'r', root, provider: second });
    assert.equal(resumed.outcome, 'completed');
    assert.equal(second.runs.size, 0, 'no task ran again');
    assert.equal(resumed.reportPath, done.reportPath);
    const report = readFileSync(resumed.reportPath, 'utf8');
    assert.match(report, /\| Tasks \| 2 \(2 completed\) \|/);
    assert.doesNotMatch(report, /This report is partial/);
    assert.equal(existsSync(path.join(root, '.research', 'r', 'lock')), false, 'the lock is released');
  });
});
