import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../../../src/core/errors';
import { assertWritableReportPath } from '../../../src/core/output-check';

const temp = () => mkdtempSync(path.join(tmpdir(), 'rd-output-check-'));

// Tests run as root, where a chmod-ed folder is still writable: these paths fail for root too.
describe('assertWritableReportPath', () => {
  it('refuses a path that is an existing folder, naming it and what to give instead', () => {
    const dir = temp();
    assert.throws(() => assertWritableReportPath(dir), (error: Error) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, new RegExp(`the report path ${dir} is a folder: give a file inside it \\(e\\.g\\. ${path.join(dir, 'report.md')}\\)`));
      return true;
    });
  });

  it('refuses a path whose parent is a regular file', () => {
    const dir = temp();
    const file = path.join(dir, 'notes.txt');
    writeFileSync(file, 'x');
    assert.throws(() => assertWritableReportPath(path.join(file, 'deeper', 'report.md')), (error: Error) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, new RegExp(`${file} is a file, not a folder`));
      return true;
    });
  });

  it('refuses a folder where no file can be created (/proc refuses even root)', () => {
    assert.throws(() => assertWritableReportPath('/proc/self/report.md'), (error: Error) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /the report \/proc\/self\/report\.md cannot be written \(.+\): choose a report path/);
      return true;
    });
  });

  it('accepts a new path in folders still to be made, and creates nothing', () => {
    const dir = temp();
    assertWritableReportPath(path.join(dir, 'a', 'b', 'report.md'));
    assert.deepEqual(readdirSync(dir), [], 'no folder and no probe is left behind');
  });

  it('accepts an existing report without changing it', () => {
    const dir = temp();
    const file = path.join(dir, 'report.md');
    writeFileSync(file, 'an earlier report');
    mkdirSync(path.join(dir, 'sub'));
    assertWritableReportPath(file);
    assert.equal(readFileSync(file, 'utf8'), 'an earlier report');
    assert.deepEqual(readdirSync(dir).sort(), ['report.md', 'sub']);
  });
});
