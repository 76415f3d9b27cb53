// Names other tools write: the warning for a 14-digit version that is not a clock time reaches status,
// and create never writes one.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildStatus, createMigrationFile, loadMigrations } from '../../src/engine/internal';
import { isClockVersion } from '../../src/engine/source';
import { statusJson, statusTable } from '../../src/cli/format';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ml-names-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const OK = '-- +migrate Up\nSELECT 1;\n';

describe('a version that is not a clock time', () => {
  it('is listed by status with a warning line, and in --json', () => {
    writeFileSync(join(dir, '20240101000001_first.sql'), OK);
    writeFileSync(join(dir, '20240101000060_sixtieth.sql'), OK);
    const entries = buildStatus(loadMigrations(dir), []);
    const table = statusTable(entries);
    expect(table).toContain('20240101000060  pending  sixtieth');
    expect(table).toContain('\n20240101000060 warning: version 20240101000060 is not a valid timestamp (time must be HHMMSS within a day (YYYYMMDDHHMMSS)); it is accepted and ordered by its digits\n');
    expect(table).not.toContain('20240101000001 warning');
    const json = JSON.parse(statusJson(entries));
    expect(json.map((e: { warning: string | null }) => e.warning === null)).toEqual([true, false]);
  });

  it('create writes a real timestamp, even beside hand-numbered files', () => {
    writeFileSync(join(dir, '20240101000060_sixtieth.sql'), OK);
    const path = createMigrationFile(dir, 'next one', new Date(Date.UTC(2026, 10, 30, 23, 59, 59)));
    expect(path.endsWith('20261130235959_next_one.sql')).toBe(true);
    // The same second taken: the next real second, across midnight, never 20261130235960.
    const again = createMigrationFile(dir, 'again', new Date(Date.UTC(2026, 10, 30, 23, 59, 59)));
    expect(again.endsWith('20261201000000_again.sql')).toBe(true);
    for (const f of readdirSync(dir).filter((f) => !f.startsWith('20240101000060'))) expect(isClockVersion(f.slice(0, 14)), f).toBe(true);
    expect(isClockVersion('20240101000060')).toBe(false);
    expect(isClockVersion('20240230000000')).toBe(false);
    expect(isClockVersion('20240229000000')).toBe(true); // a leap year
    expect(isClockVersion('20230229000000')).toBe(false);
  });
});
