import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/engine/types';
import { describeRun, eventLine, rollbackList } from '../../../src/extension/model/run-summary';
import { entry, migration } from './fixtures';

const result = (n: number, fields: Partial<RunResult> = {}): RunResult => ({
  batch: 3,
  planned: [],
  cancelled: false,
  applied: Array.from({ length: n }, (_, i) => ({ version: String(i), name: 'x', direction: 'up' as const, executionTimeMs: 20 })),
  ...fields,
});

describe('describeRun', () => {
  it('counts, names the batch of an up and adds up the time', () => {
    expect(describeRun(result(2), 'up')).toBe('Applied: 2 migrations (batch 3) in 40 ms');
    expect(describeRun(result(1, { batch: null }), 'down')).toBe('Rolled back: 1 migration in 20 ms');
  });

  it('says when there was nothing to do, and when the run was cancelled', () => {
    expect(describeRun(result(0), 'up')).toBe('Nothing to apply');
    expect(describeRun(result(0), 'down')).toBe('Nothing to roll back');
    expect(describeRun(result(1, { cancelled: true }), 'up')).toBe('Cancelled. Applied: 1 migration (batch 3) in 20 ms');
  });
});

describe('rollbackList', () => {
  const entries = [
    entry('applied', '20240101000000', 'a', { batch: 1 }),
    entry('applied', '20240102000000', 'b', { batch: 2 }),
    entry('applied', '20240103000000', 'c', { batch: 2 }),
    entry('pending', '20240104000000', 'd'),
  ];

  it('names what down would roll back, newest first, one per line', () => {
    expect(rollbackList(entries, {})).toBe('Rolls back 1 migration:\n  20240103000000 c');
    expect(rollbackList(entries, { target: '20240101000000' })).toBe('Rolls back 2 migrations, newest first:\n  20240103000000 c\n  20240102000000 b');
    expect(rollbackList(entries, { all: true })).toBe('Rolls back 3 migrations, newest first:\n  20240103000000 c\n  20240102000000 b\n  20240101000000 a');
  });

  it('says a missing file rolls back from its stored copy, and from when', () => {
    const gone = entry('missing', '20240105000000', 'gone', { batch: 3, script: '-- +migrate Up\nCREATE TABLE t (id int);\n-- +migrate Down\nDROP TABLE t;\n' });
    expect(rollbackList([...entries, gone], {})).toBe('Rolls back 1 migration:\n  20240105000000 gone (file gone: runs the Down of the copy stored 2024-01-01 12:34)');
  });

  it('lists at most 15 by name', () => {
    const many = Array.from({ length: 20 }, (_, i) => entry('applied', String(20240101000000 + i), `m${i}`, { batch: 1 }));
    const text = rollbackList(many, { all: true }).split('\n');
    expect(text[0]).toBe('Rolls back 20 migrations, newest first:');
    expect(text[1]).toBe('  20240101000019 m19');
    expect(text.at(-1)).toBe('  … and 5 more');
  });

  it('says when nothing would be rolled back, and stays quiet without a status', () => {
    expect(rollbackList([entry('pending')], {})).toBe('Nothing is applied that this would roll back.');
    expect(rollbackList(null, {})).toBe('');
  });
});

describe('eventLine', () => {
  it('numbers migrations within the run', () => {
    const m = migration('20240101000000', 'a');
    expect(eventLine({ type: 'start', direction: 'up', migration: m, index: 0, total: 3 })).toBe('1/3 up 20240101000000 a');
    expect(eventLine({ type: 'done', direction: 'down', migration: m, index: 2, total: 3, executionTimeMs: 1500 })).toBe('3/3 down 20240101000000 a done in 1.5 s');
    expect(eventLine({ type: 'lock-wait', holder: 'pid 42 (migrate-lens)' })).toBe('waiting for the migration lock (held by pid 42 (migrate-lens))');
  });
});
