// `lint` of the library (src/engine/index.ts): a folder or files in, findings out, settings found like the CLI's.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, lint } from '../../../src/engine/index';
import { migrationFilesIn } from '../../../src/lint';

describe('lint (library)', () => {
  let project: string;
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'ml-lint-api-'));
    mkdirSync(join(project, 'db'));
    writeFileSync(join(project, 'db', '20240101000001_a.sql'), '-- +migrate Up\nCREATE INDEX users_a ON users (a);\nUPDATE users SET a = 1;\n\n-- +migrate Down\nDROP INDEX users_a;\n');
    writeFileSync(join(project, 'db', '20240101000002_b.sql'), '-- +migrate Up\nSELEC 1;\n\n-- +migrate Down\nSELECT 1;\n');
    writeFileSync(join(project, 'db', 'notes.txt'), 'not a migration');
    writeFileSync(join(project, 'config.yaml'), 'migrations:\n  dir: db\nlint:\n  rules:\n    update-or-delete-without-where: warning\n');
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it("lints the settings' migrations folder, with the config file's lint.rules", async () => {
    expect(await lint(undefined, { cwd: project })).toEqual([
      { file: join(project, 'db', '20240101000001_a.sql'), line: 2, column: 1, severity: 'error', rule: 'index-without-concurrently', message: expect.stringMatching(/^CREATE INDEX "users_a"/) },
      { file: join(project, 'db', '20240101000001_a.sql'), line: 3, column: 1, severity: 'warning', rule: 'update-or-delete-without-where', message: expect.any(String) },
      { file: join(project, 'db', '20240101000002_b.sql'), line: 2, column: 1, severity: 'error', rule: 'syntax-error', message: 'syntax error at or near "SELEC"' },
    ]);
  });

  it('takes files as given (relative to cwd) and options.rules over the config file', async () => {
    const findings = await lint(['db/20240101000001_a.sql'], { cwd: project, rules: { 'index-without-concurrently': 'off', 'update-or-delete-without-where': 'error' } });
    expect(findings.map((f) => [f.file, f.rule, f.severity])).toEqual([['db/20240101000001_a.sql', 'update-or-delete-without-where', 'error']]);
  });

  it('a file up would refuse as not UTF-8 text (Latin-1, a NUL byte) is a file-format finding at its line', async () => {
    writeFileSync(join(project, 'latin1.sql'), Buffer.from('-- +migrate Up\n-- caf\xe9\nCREATE TABLE a (id int);\n-- +migrate Down\nDROP TABLE a;\n', 'latin1'));
    writeFileSync(join(project, 'nul.sql'), '-- +migrate Up\nCREATE TABLE a (id int);\0\n-- +migrate Down\nDROP TABLE a;\n');
    expect(await lint(['latin1.sql', 'nul.sql'], { cwd: project })).toEqual([
      { file: 'latin1.sql', line: 2, column: 1, severity: 'error', rule: 'file-format', message: 'not valid UTF-8 text; save the file as UTF-8' },
      { file: 'nul.sql', line: 2, column: 1, severity: 'error', rule: 'file-format', message: 'binary file: NUL byte; a migration is UTF-8 text' },
    ]);
  });

  it('reads only the regular files of a folder, as up does: a folder or a FIFO named like a migration is skipped', async () => {
    const dir = join(project, 'odd');
    mkdirSync(dir);
    writeFileSync(join(dir, '20240101000001_a.sql'), '-- +migrate Up\nSELECT 1;\n-- +migrate Down\nSELECT 1;\n');
    mkdirSync(join(dir, '20240101000002_folder.sql'));
    execFileSync('mkfifo', [join(dir, '20240101000003_fifo.sql')]); // opening it to read would wait for a writer for ever
    symlinkSync(join(dir, '20240101000001_a.sql'), join(dir, '20240101000004_link.sql'));
    expect(migrationFilesIn(dir)).toEqual([join(dir, '20240101000001_a.sql'), join(dir, '20240101000004_link.sql')]);
    expect(await lint('odd', { cwd: project })).toEqual([]);
  });

  it('says which folder it cannot read, and which rule it does not know', async () => {
    await expect(lint('nope', { cwd: project })).rejects.toThrow(ConfigError);
    await expect(lint('nope', { cwd: project })).rejects.toThrow(`cannot read the migrations folder ${join(project, 'nope')} (ENOENT)`);
    writeFileSync(join(project, 'bad.yaml'), 'lint:\n  rules:\n    no-such-rule: off\n');
    await expect(lint(undefined, { cwd: project, configFile: 'bad.yaml' })).rejects.toThrow(/bad.yaml:3: unknown lint rule "no-such-rule"/);
  });
});
