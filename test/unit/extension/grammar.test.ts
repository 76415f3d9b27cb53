import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DIRECTIVES, GOOSE_DIRECTIVES } from '../../../src/engine/parser';
import { directiveCases, grammarDirectiveWords } from '../../grammar/directive-cases';

// The syntax-test files live in test/grammar/ (vscode-tmgrammar-test's own format); this drives them.
const root = resolve(__dirname, '../../..');
const grammarTests = join(root, 'test/grammar');
const runner = join(root, 'node_modules/vscode-tmgrammar-test/dist/unit.js');
const baseGrammar = join(grammarTests, 'sql-base.tmLanguage.json');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const contributed = pkg.contributes.grammars.find((g: { injectTo?: string[] }) => g.injectTo?.includes('source.sql'));
const grammar = JSON.parse(readFileSync(join(root, contributed.path), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'migrate-lens-grammar-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** VS Code's own SQL grammar, when a local code-server (the e2e setup) has it. */
const vscodeSqlGrammar = [
  process.env.VSCODE_SQL_GRAMMAR,
  join(homedir(), '.cache/migrate-lens/code-server/node_modules/code-server/lib/vscode/extensions/sql/syntaxes/sql.tmLanguage.json'),
].find((p): p is string => !!p && existsSync(p));

async function runGrammarTest(sqlGrammar: string, files: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [runner, '-c', '-g', sqlGrammar, '--config', 'package.json', ...files], {
      cwd: root,
      timeout: 60_000,
    });
    return { ok: true, output: stdout + stderr };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}${err.message}` };
  }
}

function writeCase(name: string, text: string): string {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

describe('directive grammar', () => {
  it('is contributed as an injection into source.sql', () => {
    expect(contributed.scopeName).toBe(grammar.scopeName);
    expect(grammar.injectionSelector).toMatch(/^L:source\.sql\b/);
  });

  it('accepts exactly the parser\'s DIRECTIVES as directive words', () => {
    const words = grammarDirectiveWords(grammar);
    expect(new Set(words).size).toBe(words.length);
    expect([...words].sort()).toEqual([...DIRECTIVES].sort());
  });

  it("accepts exactly the parser's GOOSE_DIRECTIVES after -- +goose", () => {
    const words = grammarDirectiveWords(grammar, 'goose');
    expect(new Set(words).size).toBe(words.length);
    expect([...words].sort()).toEqual([...GOOSE_DIRECTIVES].sort());
  });

  it('scopes every directive in every casing, and flags unknown words (generated cases)', async () => {
    const generated = writeCase('generated.test.sql', directiveCases(DIRECTIVES));
    const goose = writeCase('generated-goose.test.sql', directiveCases(GOOSE_DIRECTIVES, 'generated from GOOSE_DIRECTIVES', 'goose'));
    const result = await runGrammarTest(baseGrammar, [generated, goose, join(grammarTests, 'directives.test.sql')]);
    expect(result.output).not.toMatch(/failed/);
    expect(result.ok, result.output).toBe(true);
  }, 90_000);

  it('the runner really fails on a wrong expectation (control)', async () => {
    const wrong = writeCase('wrong.test.sql', '-- SYNTAX TEST "source.sql" "control"\n-- +migrate Upp\n--          ^^^ keyword.control.section.migrate-lens\n');
    const result = await runGrammarTest(baseGrammar, [wrong]);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/missing required scopes: \[? *keyword\.control\.section\.migrate-lens/i);
  }, 90_000);

  it.skipIf(!vscodeSqlGrammar)('works on top of VS Code\'s own SQL grammar', async () => {
    const generated = writeCase('generated-vscode.test.sql', directiveCases(DIRECTIVES, 'with VS Code sql grammar'));
    const result = await runGrammarTest(vscodeSqlGrammar!, [generated, join(grammarTests, 'directives.test.sql')]);
    expect(result.ok, result.output).toBe(true);
  }, 90_000);
});
