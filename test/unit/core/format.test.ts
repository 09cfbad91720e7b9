import assert from 'node:assert/strict';
import { formatBytes, formatDuration, formatNumber, formatUsd } from '../../../src/core/format';

describe('format: numbers as people read them', () => {
  it('durations from milliseconds to hours', () => {
    assert.deepEqual([850, 12_345, 245_000, 3_720_000, -1, Number.NaN].map(formatDuration), ['850 ms', '12 s', '4 m 05 s', '1 h 02 m', '–', '–']);
    assert.equal(formatDuration(1234), '1.2 s');
  });

  it('costs with enough digits to see a small one, counts with separators', () => {
    assert.deepEqual([0.0042, 0.5, 1.2749].map(formatUsd), ['$0.0042', '$0.50', '$1.27']);
    assert.equal(formatNumber(1234567), '1,234,567');
  });

  it('sizes: limits exactly as set, measured sizes rounded up', () => {
    assert.deepEqual([1024 * 1024, 512 * 1024, 3.45 * 1024 * 1024, 5000, 12].map(formatBytes), ['1 MiB', '512 KiB', '3.5 MiB', '5 KiB', '12 bytes']);
  });
});
