import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lintText, loadPgParser, readLintRules } from '../../../src/lint';
import { editorLintOptions, type LintConfigSource } from '../../../src/extension/model/lint-options';

beforeAll(() => loadPgParser());

const RISKY = '-- +migrate Up\nCREATE INDEX users_x ON users (x);\nDELETE FROM users;\n-- +migrate Down\nDROP INDEX users_x;\n';

let dir = '';
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

/** A folder whose config.yaml holds `text`, read as the extension reads it. */
function folderSource(text: string, trusted: boolean, ddlLockTimeoutMs: () => Promise<number>) {
  dir = mkdtempSync(join(tmpdir(), 'ml-lint-options-'));
  writeFileSync(join(dir, 'config.yaml'), text);
  const calls = { ddl: 0 };
  const source: LintConfigSource = {
    trusted,
    lintRules: async () => readLintRules(dir),
    ddlLockTimeoutMs: () => {
      calls.ddl++;
      return ddlLockTimeoutMs();
    },
  };
  return { source, calls };
}

const severities = (text: string, options: object) => lintText(text, 'm.sql', options).map((f) => `${f.rule}:${f.severity}`);

describe('the editor lint options from config.yaml', () => {
  it('in Restricted Mode honour lint.rules (data, read by a YAML parser) and resolve no settings', async () => {
    const { source, calls } = folderSource('lint:\n  rules:\n    index-without-concurrently: warning\n    update-or-delete-without-where: off\n', false, async () => 0);
    const warnings: string[] = [];
    const options = await editorLintOptions(source, (m) => warnings.push(m));
    expect(options).toEqual({ rules: { 'index-without-concurrently': 'warning', 'update-or-delete-without-where': 'off' } });
    expect(calls.ddl).toBe(0);
    expect(warnings).toEqual([]);
    expect(severities(RISKY, options)).toEqual(['index-without-concurrently:warning']);
    expect(severities(RISKY, {})).toEqual(['index-without-concurrently:error', 'update-or-delete-without-where:error']);
  });

  it('when trusted add the run\'s DDL lock timeout (0 turns missing-lock-timeout on)', async () => {
    const { source, calls } = folderSource('lint:\n  rules:\n    update-or-delete-without-where: off\n', true, async () => 0);
    const options = await editorLintOptions(source, () => undefined);
    expect(options).toEqual({ rules: { 'update-or-delete-without-where': 'off' }, ddlLockTimeoutMs: 0 });
    expect(calls.ddl).toBe(1);
    expect(severities(RISKY, options).sort()).toEqual(['index-without-concurrently:error', 'missing-lock-timeout:warning']);
    expect(severities(RISKY, { ...options, ddlLockTimeoutMs: 5000 })).toEqual(['index-without-concurrently:error']);
  });

  it('a bad lint.rules falls back to the default severities with a warning naming its line; the lock timeout still applies', async () => {
    const { source } = folderSource('lint:\n  rules:\n    no-such-rule: off\n', true, async () => 1000);
    const warnings: string[] = [];
    expect(await editorLintOptions(source, (m) => warnings.push(m))).toEqual({ ddlLockTimeoutMs: 1000 });
    expect(warnings).toEqual([expect.stringMatching(/lint\.rules cannot be read: config\.yaml:3: unknown lint rule "no-such-rule"/)]);
  });

  it('settings that cannot be resolved (an unset ${VAR}) keep lint.rules and warn', async () => {
    const { source } = folderSource('lint:\n  rules:\n    one-change-per-migration: off\n', true, async () => {
      throw new Error('config.yaml:2: ${DB_URL} is not set in the environment');
    });
    const warnings: string[] = [];
    expect(await editorLintOptions(source, (m) => warnings.push(m))).toEqual({ rules: { 'one-change-per-migration': 'off' } });
    expect(warnings).toEqual([expect.stringMatching(/default DDL lock timeout.*\$\{DB_URL\} is not set/)]);
  });
});
