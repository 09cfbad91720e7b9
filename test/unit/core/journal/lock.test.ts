import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, uptime } from 'node:os';
import * as path from 'node:path';
import { RunLockedError } from '../../../../src/core/journal/errors';
import { acquireRunLock, runLockStatus } from '../../../../src/core/journal/lock';
import { tempRoot } from './fixtures';

/** The pid of a process that has exited (and so no longer exists). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('run lock', () => {
  it('is taken with the holder’s pid, host and time; a live holder is refused by name; release frees it', () => {
    const dir = tempRoot();
    const lock = acquireRunLock(dir, 'run-1');
    const holder = JSON.parse(readFileSync(path.join(dir, 'lock'), 'utf8')) as { pid: number; hostname: string };
    assert.equal(holder.pid, process.pid);
    assert.equal(holder.hostname, hostname());
    assert.equal(runLockStatus(dir).state, 'held');
    assert.throws(() => acquireRunLock(dir, 'run-1'), (error: Error) => {
      assert.ok(error instanceof RunLockedError);
      assert.equal(error.message, `run run-1 is being driven by process ${process.pid}; stop it or wait for it to finish`);
      return true;
    });
    lock.release();
    lock.release();
    assert.equal(existsSync(path.join(dir, 'lock')), false);
    assert.equal(runLockStatus(dir).state, 'free');
  });

  it('takes over a lock whose process is gone, with a notice', () => {
    const dir = tempRoot();
    const pid = deadPid();
    writeFileSync(path.join(dir, 'lock'), JSON.stringify({ pid, hostname: hostname(), startedAt: Date.now() }));
    assert.equal(runLockStatus(dir).state, 'stale');
    const notices: string[] = [];
    const lock = acquireRunLock(dir, 'run-1', (m) => notices.push(m));
    assert.deepEqual(notices, [`run run-1 was left locked by process ${pid}, which is no longer running; taking it over`]);
    assert.equal(JSON.parse(readFileSync(path.join(dir, 'lock'), 'utf8')).pid, process.pid);
    lock.release();
  });

  it('takes over an unreadable lock and one taken before the machine booted (its pid may be reused)', () => {
    const dir = tempRoot();
    writeFileSync(path.join(dir, 'lock'), '{"pid":12');
    const notices: string[] = [];
    acquireRunLock(dir, 'run-1', (m) => notices.push(m)).release();
    assert.match(notices[0]!, /unreadable lock file; taking it over/);
    const beforeBoot = Date.now() - uptime() * 1000 - 3_600_000;
    writeFileSync(path.join(dir, 'lock'), JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: beforeBoot }));
    assert.equal(runLockStatus(dir).state, 'stale');
    acquireRunLock(dir, 'run-1').release();
  });

  it('never takes over a lock held on another host', () => {
    const dir = tempRoot();
    writeFileSync(path.join(dir, 'lock'), JSON.stringify({ pid: 1, hostname: `not-${hostname()}`, startedAt: Date.now() }));
    assert.throws(() => acquireRunLock(dir, 'run-1'), /being driven by process 1 on not-.*; stop it there, or if that machine is gone, delete the run's "lock" file/);
  });
});
