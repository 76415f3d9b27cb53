import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checksum } from '../../../src/engine/checksum';
import { checkFileName, loadMigrations } from '../../../src/engine/source';
import { diagnosticsFor } from '../../../src/extension/model/diagnostics-model';
import { analyseFile, readFolder, withFileText } from '../../../src/extension/model/migration-files';
import { UP_DOWN } from './fixtures';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'migrate-lens-ext-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('analyseFile', () => {
  it('parses a good file into a runnable migration with the engine checksum', () => {
    const f = analyseFile('/m/20240101120000_create_users.sql', UP_DOWN.replace(/\n/g, '\r\n'));
    expect(f.problems).toEqual([]);
    expect(f.migration).toMatchObject({ version: '20240101120000', name: 'create_users', kind: 'file', checksum: checksum(UP_DOWN) });
    expect(f.parsed?.up.line).toBe(1);
    expect(f.parsed?.down?.line).toBe(4);
  });

  it('reports a parse error with the parser reason and line', () => {
    const f = analyseFile('/m/20240101120000_x.sql', '-- +migrate Up\nSELECT 1;\n-- +migrate Upp\n');
    expect(f.migration).toBeNull();
    expect(f.problems).toEqual([{ path: '/m/20240101120000_x.sql', line: 3, code: 'parse-error', message: expect.stringMatching(/^unknown directive "-- \+migrate Upp"/) }]);
  });

  it.each([
    ['missing Up', 'SELECT 1;\n', 1, /SQL before -- \+migrate Up/],
    ['empty file', '', 1, /empty file/],
    ['unterminated StatementBegin', '-- +migrate Up\n-- +migrate StatementBegin\nSELECT 1;\n', 2, /unterminated -- \+migrate StatementBegin/],
    ['unterminated dollar quote', '-- +migrate Up\nSELECT $$ x;\n', 2, /unterminated dollar quote/],
  ])('reports %s', (_what, text, line, message) => {
    const [p] = analyseFile('/m/20240101120000_x.sql', text).problems;
    expect(p.line).toBe(line);
    expect(p.message).toMatch(message);
  });

  it('reports a bad file name in the engine\'s words and still parses the text', () => {
    const f = analyseFile('/m/create_users.sql', UP_DOWN);
    const { reason } = checkFileName('create_users.sql') as { reason: string };
    expect(reason).toMatch(/^bad file name/);
    expect(f.problems).toEqual([{ path: '/m/create_users.sql', line: 0, message: reason, code: 'bad-file-name' }]);
    expect(f.parsed).not.toBeNull();
    expect(f.migration).toBeNull();
  });
});

describe('readFolder', () => {
  it('finds the same migrations as the engine loader in a valid folder', () => {
    writeFileSync(join(dir, '20240102000000_b.sql'), UP_DOWN);
    writeFileSync(join(dir, '20240101000000_a.sql'), '-- +migrate Up\nSELECT 1;\n');
    writeFileSync(join(dir, 'README.md'), '# not a migration');
    const folder = readFolder(dir);
    expect(folder.exists).toBe(true);
    expect(folder.problems).toEqual([]);
    const strip = (ms: { version: string; name: string; checksum: string; path?: string }[]) => ms.map(({ version, name, checksum, path }) => ({ version, name, checksum, path }));
    expect(strip(folder.migrations)).toEqual(strip(loadMigrations(dir)));
  });

  it('keeps every problem where the engine stops at the first', () => {
    writeFileSync(join(dir, '20240101000000_a.sql'), UP_DOWN);
    writeFileSync(join(dir, '20240101000000_a_again.sql'), UP_DOWN);
    writeFileSync(join(dir, 'oops.sql'), UP_DOWN);
    writeFileSync(join(dir, '20240103000000_c.sql'), '-- +migrate Up\n-- +migrate Sideways\n');
    writeFileSync(join(dir, '20240104000000_d.sql'), UP_DOWN);
    const folder = readFolder(dir);
    expect(() => loadMigrations(dir)).toThrow();
    expect(folder.problems.map((p) => [p.path.slice(dir.length + 1), p.code, p.line])).toEqual([
      ['20240101000000_a.sql', 'duplicate-version', 0],
      ['20240101000000_a_again.sql', 'duplicate-version', 0],
      ['20240103000000_c.sql', 'parse-error', 2],
      ['oops.sql', 'bad-file-name', 0],
    ]);
    expect(folder.problems[0].message).toBe('duplicate version 20240101000000: also used by 20240101000000_a_again.sql');
    expect(folder.migrations.map((m) => m.version)).toEqual(['20240104000000']);
  });

  it('says the folder does not exist instead of throwing', () => {
    const folder = readFolder(join(dir, 'nope'));
    expect(folder).toMatchObject({ exists: false, files: [], migrations: [], problems: [] });
  });

  it('skips sub-folders and prefers editor buffers over disk', () => {
    mkdirSync(join(dir, '20240101000000_folder.sql'));
    writeFileSync(join(dir, '20240102000000_b.sql'), UP_DOWN);
    const path = join(dir, '20240102000000_b.sql');
    const folder = readFolder(dir, new Map([[path, '-- +migrate Up\n-- +migrate Nope\n']]));
    expect(folder.files.map((f) => f.fileName)).toEqual(['20240102000000_b.sql']);
    expect(folder.problems[0]).toMatchObject({ code: 'parse-error', line: 2 });
  });

  it('withFileText re-analyses one file and clears a duplicate that is gone', () => {
    writeFileSync(join(dir, '20240101000000_a.sql'), UP_DOWN);
    writeFileSync(join(dir, '20240101000000_b.sql'), UP_DOWN);
    const folder = readFolder(dir);
    expect(folder.problems).toHaveLength(2);
    const edited = withFileText(folder, join(dir, '20240101000000_a.sql'), '-- +migrate Up\nSELECT 2;\n');
    expect(edited.problems).toHaveLength(2);
    const renamed = { ...folder, files: folder.files.filter((f) => f.fileName !== '20240101000000_b.sql') };
    const fixed = withFileText(renamed, join(dir, '20240101000000_a.sql'), UP_DOWN);
    expect(fixed.problems).toEqual([]);
    expect(fixed.migrations).toHaveLength(1);
  });
});

describe('readFolder and the engine loader', () => {
  it('accepts a version that is not a date with a warning diagnostic, like the engine', () => {
    writeFileSync(join(dir, '20241301000000_thirteenth_month.sql'), UP_DOWN);
    writeFileSync(join(dir, '20240101000000_fine.sql'), UP_DOWN);
    expect(loadMigrations(dir).map((m) => m.warning ?? null)).toEqual([null, expect.stringMatching(/^version 20241301000000 is not a valid timestamp/)]);
    const folder = readFolder(dir);
    expect(folder.problems).toEqual([]);
    expect(folder.migrations.map((m) => m.version)).toEqual(['20240101000000', '20241301000000']);
    const diagnostics = diagnosticsFor(folder, null);
    expect(diagnostics.get(join(dir, '20241301000000_thirteenth_month.sql'))).toEqual([
      { line: 0, severity: 'warning', code: 'version-warning', message: expect.stringMatching(/^version 20241301000000 is not a valid timestamp \(month must be 01-12/) },
    ]);
    expect(diagnostics.get(join(dir, '20240101000000_fine.sql'))).toEqual([]);
    const edited = analyseFile(join(dir, '20240101000060_typed.sql'), UP_DOWN);
    expect(edited.problems).toEqual([]);
    expect(edited.migration?.warning).toMatch(/time must be HHMMSS/);
  });

  it('refuses a file that is not UTF-8 text, like the engine', () => {
    writeFileSync(join(dir, '20240101000000_binary.sql'), Buffer.from([0x2d, 0x2d, 0x20, 0x2b, 0x6d, 0x0a, 0x00, 0x01]));
    writeFileSync(join(dir, '20240102000000_latin1.sql'), Buffer.concat([Buffer.from('-- +migrate Up\nSELECT \''), Buffer.from([0xe9]), Buffer.from('\';\n')]));
    const folder = readFolder(dir);
    expect(folder.problems.map((p) => [p.path.slice(dir.length + 1), p.line, p.message])).toEqual([
      ['20240101000000_binary.sql', 2, 'binary file: NUL byte; a migration is UTF-8 text'],
      ['20240102000000_latin1.sql', 2, 'not valid UTF-8 text; save the file as UTF-8'],
    ]);
    expect(folder.migrations).toEqual([]);
  });
});
