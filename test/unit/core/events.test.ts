import assert from 'node:assert/strict';
import { EventBus, type DispatcherEvent } from '../../../src/core/events';

describe('event bus', () => {
  const at = 0;

  it('delivers typed events to named and catch-all handlers until disposed', () => {
    const bus = new EventBus();
    const named: string[] = [];
    const all: DispatcherEvent[] = [];
    const sub = bus.on('log', (e) => named.push(e.message));
    bus.onAny((e) => all.push(e));
    bus.emit('log', { runId: 'r', level: 'info', message: 'one', at });
    sub.dispose();
    bus.emit('log', { runId: 'r', level: 'info', message: 'two', at });
    assert.deepEqual(named, ['one']);
    assert.deepEqual(all.map((e) => (e.type === 'log' ? e.message : e.type)), ['one', 'two']);
    assert.equal(all[0]!.type, 'log');
  });

  it('isolates a throwing handler: the others still run and the error is reported', () => {
    const errors: unknown[] = [];
    const bus = new EventBus((e) => errors.push(e));
    let reached = false;
    bus.on('log', () => {
      throw new Error('broken view');
    });
    bus.on('log', () => (reached = true));
    bus.emit('log', { runId: 'r', level: 'warn', message: 'x', at });
    assert.ok(reached);
    assert.equal((errors[0] as Error).message, 'broken view');
  });
});
