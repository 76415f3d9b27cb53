import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveSettings } from '../../src/engine/internal';
import { backoffMs, isLockTimeout } from '../../src/engine/internal';
import { blockerQuery, pause } from '../../src/engine/run/retry';

describe('migrations.ddl_lock_timeout and ddl_retries', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const settings = (yaml: string | null, opts = {}) => {
    dir = mkdtempSync(join(tmpdir(), 'ml-ddl-'));
    if (yaml !== null) writeFileSync(join(dir, 'config.yaml'), yaml);
    return resolveSettings({ cwd: dir, env: {}, ...opts });
  };

  it('default to 5 s and 3 retries', () => {
    expect(settings(null)).toMatchObject({ ddlLockTimeoutMs: 5000, ddlRetries: 3 });
  });

  it('come from the config, and flags win', () => {
    expect(settings('migrations:\n  ddl_lock_timeout: 2s\n  ddl_retries: 5\n')).toMatchObject({ ddlLockTimeoutMs: 2000, ddlRetries: 5 });
    expect(settings('migrations:\n  ddl_lock_timeout: 0\n')).toMatchObject({ ddlLockTimeoutMs: 0 });
    expect(settings('migrations:\n  ddl_lock_timeout: 2s\n', { ddlLockTimeoutMs: 750, ddlRetries: 0 })).toMatchObject({ ddlLockTimeoutMs: 750, ddlRetries: 0 });
  });

  it('reject what is not a duration or a count, with the line', () => {
    expect(() => settings('migrations:\n  ddl_lock_timeout: soon\n')).toThrow(/config\.yaml: migrations\.ddl_lock_timeout: expected a duration/);
    expect(() => settings('migrations:\n  ddl_retries: -1\n')).toThrow(/migrations\.ddl_retries: expected a whole number/);
    // out of PostgreSQL's range: SET would fail in every migration, each recorded as failed
    expect(() => settings('migrations:\n  ddl_lock_timeout: 3000000s\n')).toThrow(/migrations\.ddl_lock_timeout: expected 0 \(none\) up to 2147483647 ms/);
    expect(() => settings('migrations:\n  ddl_lock_timeout: 0.4ms\n')).toThrow(/ddl_lock_timeout: counted in whole milliseconds/);
    expect(() => settings(null, { ddlLockTimeoutMs: Infinity })).toThrow(/the DDL lock timeout: expected 0/);
    expect(() => settings(null, { ddlLockTimeoutMs: -5 })).toThrow(/the DDL lock timeout: expected 0/);
  });
});

describe('retry helpers', () => {
  it('back off 1 s, 2 s, 4 s … up to 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });
  it('know a lock timeout by SQLSTATE 55P03, also as the cause of a migration error', () => {
    expect(isLockTimeout({ code: '55P03' })).toBe(true);
    expect(isLockTimeout(new Error('x', { cause: { code: '55P03' } }))).toBe(true);
    expect(isLockTimeout({ code: '57014' })).toBe(false);
  });
  it('end the pause between tries when the run is stopped, leaving no timer behind', async () => {
    vi.useFakeTimers();
    try {
      const stop = new AbortController();
      let ended = false;
      const p = pause(30_000, stop.signal).then(() => void (ended = true));
      await vi.advanceTimersByTimeAsync(1000);
      expect(ended).toBe(false);
      stop.abort();
      await p;
      expect(vi.getTimerCount()).toBe(0);
      // and a pause that a test's own sleep never ends
      const other = new AbortController();
      const q = pause(1000, other.signal, () => new Promise(() => undefined));
      other.abort();
      await q;
    } finally {
      vi.useRealTimers();
    }
  });
  it("print a blocking session's query without its secrets, cut to a line, marked as cut", () => {
    expect(blockerQuery("ALTER ROLE app PASSWORD 'hunter2'")).toBe("ALTER ROLE app PASSWORD '***'");
    const long = `SELECT ${'x, '.repeat(200)}1`;
    expect(blockerQuery(long)).toBe(`${long.slice(0, 300)}…`);
    // a password cut by the limit is still scrubbed: the scrub comes first
    expect(blockerQuery(`${'-'.repeat(290)} ALTER ROLE a PASSWORD 'hunter2hunter2'`)).not.toMatch(/hunter/);
    expect(blockerQuery(`${'x'.repeat(299)}😀`)).toBe(`${'x'.repeat(299)}…`);
  });
});
