import { describe, expect, it } from 'vitest';
import { appliedSummary, firstLine, formatDateTime, formatDuration } from '../../../src/extension/model/format';
import { row } from './fixtures';

describe('format', () => {
  it('writes local date and time to the minute', () => {
    expect(formatDateTime(new Date(2024, 0, 1, 12, 34, 56))).toBe('2024-01-01 12:34');
    expect(formatDateTime(new Date(2031, 10, 9, 3, 4))).toBe('2031-11-09 03:04');
    expect(formatDateTime(new Date(2031, 10, 9, 3, 4, 59, 999))).toBe('2031-11-09 03:04');
    expect(formatDateTime(new Date(2031, 10, 9, 3, 5, 0, 0))).toBe('2031-11-09 03:05');
  });

  it('writes durations in the unit that reads best', () => {
    expect(formatDuration(0.4)).toBe('0 ms');
    expect(formatDuration(145.2)).toBe('145 ms');
    expect(formatDuration(2345)).toBe('2.3 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
  });

  it('summarises an applied row like the issue shows it', () => {
    expect(appliedSummary(row('1', { batch: 3, executionTimeMs: 145 }))).toBe('applied 2024-01-01 12:34 · batch 3 · 145 ms');
    expect(appliedSummary(row('1', { batch: null, executionTimeMs: null, appliedAt: null }))).toBe('applied');
  });

  it('keeps the first line of an error and shortens it', () => {
    expect(firstLine('relation "x" does not exist\nLINE 1: ...')).toBe('relation "x" does not exist');
    expect(firstLine('a'.repeat(200), 10)).toBe(`${'a'.repeat(9)}…`);
  });
});
