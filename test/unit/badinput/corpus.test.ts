// Every folder of the broken corpus (see corpus.ts) must fail to load with the error it expects.
// A few cases cannot live in git (symlink loops, multi-megabyte lines): they are built here in a temp folder.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadMigrations, ParseError } from '../../../src/engine/internal';
import { corpusCases, type Expected } from './corpus';

function loadError(dir: string): ParseError {
  try {
    loadMigrations(dir);
  } catch (err) {
    if (err instanceof ParseError) return err;
    throw new Error(`expected a ParseError, got ${String(err)}`);
  }
  throw new Error(`${dir} validated, but it is broken`);
}

function expectError(err: ParseError, dir: string, expected: Expected): void {
  const file = expected.file === '.' ? dir : join(dir, expected.file);
  expect(err.file).toBe(file);
  expect(err.line).toBe(expected.line);
  expect(err.reason).toMatch(new RegExp(expected.message, 'i'));
  // The message a user reads names the file, and the line when there is one.
  expect(err.message.startsWith(expected.line > 0 ? `${file}:${expected.line}: ` : `${file}: `)).toBe(true);
  // One short line, even when the file holds megabytes.
  expect(err.message).not.toContain('\n');
  expect(err.message.length).toBeLessThan(file.length + 300);
}

describe('broken corpus (test/fixtures/broken)', () => {
  const cases = corpusCases();

  test('holds at least 40 broken folders', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectError(loadError(c.dir), c.dir, c.expected);
  });

  test('every broken folder also holds a good migration, or is about file names only', () => {
    // A folder is all-or-nothing: the good file beside the broken one must not make it through either.
    const withGood = cases.filter((c) => readdirSync(c.dir).includes('20240101000000_good_first.sql'));
    expect(withGood.length).toBe(cases.length);
  });
});

describe('broken inputs built at test time', () => {
  const root = mkdtempSync(join(tmpdir(), 'ml-broken-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const GOOD = '-- +migrate Up\nCREATE TABLE good_first (id int);\n';

  function folder(name: string): string {
    const dir = join(root, name);
    mkdirSync(dir);
    writeFileSync(join(dir, '20240101000000_good_first.sql'), GOOD);
    return dir;
  }

  test('a file that is a symlink to itself', () => {
    const dir = folder('self-loop');
    symlinkSync('20240102000000_loop.sql', join(dir, '20240102000000_loop.sql'));
    expectError(loadError(dir), dir, { file: '20240102000000_loop.sql', line: 0, message: 'cannot read the file \\(ELOOP\\)' });
  });

  test('two files that are symlinks to each other', () => {
    const dir = folder('pair-loop');
    symlinkSync('20240102000000_ping.sql', join(dir, '20240103000000_pong.sql'));
    symlinkSync('20240103000000_pong.sql', join(dir, '20240102000000_ping.sql'));
    expectError(loadError(dir), dir, { file: '20240102000000_ping.sql', line: 0, message: 'ELOOP' });
  });

  test('a dangling symlink', () => {
    const dir = folder('dangling');
    symlinkSync('nowhere.sql', join(dir, '20240102000000_gone.sql'));
    expectError(loadError(dir), dir, { file: '20240102000000_gone.sql', line: 0, message: 'cannot read the file \\(ENOENT\\)' });
  });

  test('a migrations folder that is a symlink to itself', () => {
    const dir = join(root, 'dir-loop');
    symlinkSync('dir-loop', dir);
    expectError(loadError(dir), dir, { file: '.', line: 0, message: 'cannot read the migrations folder \\(ELOOP\\)' });
  });

  test('a migrations folder that does not exist', () => {
    const dir = join(root, 'no-such-folder');
    expectError(loadError(dir), dir, { file: '.', line: 0, message: 'cannot read the migrations folder \\(ENOENT\\)' });
  });

  test('a migrations "folder" that is a file', () => {
    const dir = join(root, 'a-file');
    writeFileSync(dir, GOOD);
    expectError(loadError(dir), dir, { file: '.', line: 0, message: 'cannot read the migrations folder \\(ENOTDIR\\)' });
  });

  test('a 4 MB line with an unterminated quote: the right line, a short message, quickly', () => {
    const dir = folder('huge-unterminated');
    const huge = "INSERT INTO t VALUES ('" + 'x'.repeat(4 * 1024 * 1024) + ');\n';
    writeFileSync(join(dir, '20240102000000_huge.sql'), '-- +migrate Up\nCREATE TABLE t (v text);\n' + huge + '-- +migrate Down\nDROP TABLE t;\n');
    const started = Date.now();
    const err = loadError(dir);
    expect(Date.now() - started).toBeLessThan(5_000);
    expectError(err, dir, { file: '20240102000000_huge.sql', line: 3, message: 'unterminated quoted string' });
  }, 20_000);

  test('many huge lines, then an unknown directive: the line count stays right', () => {
    const dir = folder('huge-then-directive');
    const line = "INSERT INTO t VALUES ('" + 'y;'.repeat(200_000) + "');\n";
    const text = '-- +migrate Up\nCREATE TABLE t (v text);\n' + line.repeat(10) + '-- +migrate Dowm\nDROP TABLE t;\n';
    writeFileSync(join(dir, '20240102000000_huge.sql'), text);
    expectError(loadError(dir), dir, { file: '20240102000000_huge.sql', line: 13, message: 'unknown directive.*Dowm' });
  }, 20_000);

  test('a huge binary blob (random bytes with NUL)', () => {
    const dir = folder('blob');
    const bytes = Buffer.alloc(512 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 251;
    writeFileSync(join(dir, '20240102000000_blob.sql'), bytes);
    const err = loadError(dir);
    expect(basename(err.file)).toBe('20240102000000_blob.sql');
    expect(err.reason).toMatch(/binary file|UTF-8/);
    expect(err.line).toBeGreaterThan(0);
  }, 20_000);
});
