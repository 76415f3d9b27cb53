import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyFix, formatFindings, lintText, loadPgParser, ParseCache, parseLintRules, RULES } from '../../../src/lint';
import { FIXTURES, sqlFiles } from './rule-fixtures';

beforeAll(() => loadPgParser());

const rulesOf = (text: string, opts = {}) => lintText(text, 'm.sql', opts).map((f) => `${f.rule}@${f.line}:${f.column}`);

describe('syntax errors', () => {
  it('are reported on their file, line and column, and the other statements are still checked', () => {
    const text = '-- +migrate Up\nCREATE TABLE t (id int);\nALTER TABLE users\n  ADD COLUMN x int NOT NUL;\nDROP TABLE old;\n-- +migrate Down\nSELECT 1;\n';
    const findings = lintText(text, 'migrations/1_a.sql');
    const syntax = findings.find((f) => f.rule === 'syntax-error')!;
    expect(syntax).toMatchObject({ file: 'migrations/1_a.sql', line: 4, column: 24, severity: 'error' });
    expect(syntax.message).toMatch(/syntax error at or near "NUL"/);
    expect(findings.map((f) => f.rule)).toContain('drop-table');
  });

  it('count columns in characters (code points) on a non-ASCII line', () => {
    const text = "-- +migrate Up\nINSERT INTO t VALUES ('héllo wörld'), (1 2);\n-- +migrate Down\nSELECT 1;\n";
    const syntax = lintText(text, 'm.sql').find((f) => f.rule === 'syntax-error')!;
    expect(syntax.line).toBe(2);
    expect(syntax.column).toBe(42); // "INSERT INTO t VALUES ('héllo wörld'), (1 " is 41 characters
    // Each emoji is one character for the user, two UTF-16 units for JavaScript.
    const astral = lintText("-- +migrate Up\nINSERT INTO t VALUES ('😀😀'), (1 2);\n-- +migrate Down\nSELECT 1;\n", 'm.sql').find((f) => f.rule === 'syntax-error')!;
    expect(astral.column).toBe(33); // 35 in UTF-16 units
    expect(astral.column).toBe([..."INSERT INTO t VALUES ('😀😀'), (1 "].length + 1);
  });

  it('count code points for rule findings after non-ASCII text on their line, and for an identifier like "naïve"', () => {
    const text = '-- +migrate Up\n-- café 🚀\n/* café 🚀 */ DROP TABLE "naïve"; /* 🚀 */ DROP TABLE "ünïcode";\n-- +migrate Down\nSELECT 1;\n';
    expect(rulesOf(text, { rules: { 'one-change-per-migration': 'off' } })).toEqual(['drop-table@3:14', 'drop-table@3:42']);
    const syntax = lintText('-- +migrate Up\nCREATE TABLE "naïve" (id int) 🚀 x;\n-- +migrate Down\nSELECT 1;\n', 'm.sql').find((f) => f.rule === 'syntax-error')!;
    expect(syntax).toMatchObject({ line: 2, column: 31 });
  });

  it('keep their lines in a CRLF file with a BOM', () => {
    const text = '\ufeff-- +migrate Up\r\nSELECT 1;\r\nSELEC 2;\r\n-- +migrate Down\r\nSELECT 1;\r\n';
    expect(rulesOf(text)).toEqual(['syntax-error@3:1']);
  });

  it('a file that is not a migration is one file-format finding with its line', () => {
    expect(rulesOf('-- +migrate Up\nSELECT 1;\n-- +migrate Sideways\n')).toEqual(['file-format@3:1']);
  });

  it('an unterminated string, identifier, dollar quote or comment is reported at the column where it opens', () => {
    expect(rulesOf("-- +migrate Up\nSELECT 'é', 'abc;\n-- +migrate Down\nSELECT 1;\n")).toEqual(['file-format@2:13']);
    expect(rulesOf('-- +migrate Up\nSELECT 1;\n-- +migrate Down\n  SELECT "abc;\n')).toEqual(['file-format@4:10']);
    expect(rulesOf('-- +migrate Up\nSELECT 1; /* 🚀 */ SELECT $f$ x;\n')).toEqual(['file-format@2:26']);
    expect(rulesOf('-- +migrate Up\nSELECT 1; /* x\n')).toEqual(['file-format@2:11']);
    expect(rulesOf('-- +migrate Up\n  -- +migrate Sideways\n')).toEqual(['file-format@2:3']);
  });

  it('a StatementBegin block is parsed as the statements it holds', () => {
    const text = [
      '-- +migrate Up',
      '-- +migrate StatementBegin',
      'CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql;',
      'CREATE INDEX i ON users (a);',
      '-- +migrate StatementEnd',
      '-- +migrate Down',
      'DROP FUNCTION f();',
    ].join('\n');
    expect(rulesOf(text)).toContain('index-without-concurrently@4:1');
  });
});

describe('statement places', () => {
  it('are the statements\' own, not the same text earlier in a comment the parser dropped', () => {
    // The comment before StatementBegin (and the one before Down) belongs to no statement; the
    // statement's text also appears in it, and the finding and its fix must not land there.
    const text = [
      '-- +migrate Up',
      '-- create index i on t (a)',
      '-- +migrate StatementBegin',
      'create index i on t (a)',
      '-- +migrate StatementEnd',
      '-- alter table t drop column b',
      '-- +migrate Down',
      'alter table t drop column b;',
    ].join('\n');
    const found = lintText(text, 'm.sql').filter((f) => f.rule === 'index-without-concurrently');
    expect(found.map((f) => `${f.line}:${f.column}`)).toEqual(['4:1']);
    expect(applyFix(text, found[0].fix!).split('\n').slice(0, 4)).toEqual([
      '-- +migrate Up notransaction',
      '-- create index i on t (a)',
      '-- +migrate StatementBegin',
      'create index CONCURRENTLY i on t (a)',
    ]);
  });
});

describe('deep expressions', () => {
  it('a default, a copy and a check nested 3,000 calls deep (PostgreSQL runs them) are linted, not a stack overflow', () => {
    const deep = 'coalesce('.repeat(3000) + '1' + ')'.repeat(3000);
    const text = [
      '-- +migrate Up',
      `ALTER TABLE t ADD COLUMN c int DEFAULT ${deep};`,
      `INSERT INTO t2 SELECT ${deep} FROM t3;`,
      `ALTER TABLE t ADD CONSTRAINT c_ok CHECK (c = ${deep});`,
      'ALTER TABLE t ALTER COLUMN c SET NOT NULL;',
      '-- +migrate Down',
      'SELECT 1;',
    ].join('\n');
    expect(rulesOf(text)).toEqual(['one-change-per-migration@3:1', 'constraint-without-not-valid@4:19']);
  });
});

describe('Down sections', () => {
  it('report nothing for the destructive statements that are their purpose', () => {
    const text = [
      '-- +migrate Up',
      'CREATE TABLE t (id int);',
      '-- +migrate Down',
      'DROP INDEX t_idx;',
      'ALTER TABLE users DROP COLUMN c;',
      'DROP TABLE t;',
      'DELETE FROM seeds;',
      'ALTER TABLE users ALTER COLUMN c TYPE text;',
    ].join('\n');
    expect(rulesOf(text)).toEqual([]);
  });
});

describe('migrate-lens-ignore', () => {
  const body = (ignore: string) =>
    ['-- +migrate Up', ignore, 'CREATE INDEX a ON users (a);', 'CREATE INDEX b ON users (b);', '-- +migrate Down', 'SELECT 1;'].join('\n');

  it('on the line before a statement silences that statement only', () => {
    expect(rulesOf(body('-- migrate-lens-ignore index-without-concurrently'))).toEqual(['index-without-concurrently@4:1']);
  });

  it('lists several rules separated by commas', () => {
    const text = '-- +migrate Up\n-- migrate-lens-ignore drop-table, index-without-concurrently\nDROP TABLE x;\n-- +migrate Down\nSELECT 1;\n';
    expect(rulesOf(text)).toEqual([]);
  });

  it('after a statement on its line applies to that statement', () => {
    const text = '-- +migrate Up\nCREATE INDEX a ON users (a); -- migrate-lens-ignore index-without-concurrently\nCREATE INDEX b ON users (b);\n-- +migrate Down\nSELECT 1;\n';
    expect(rulesOf(text)).toEqual(['index-without-concurrently@3:1']);
  });

  it('in the file header (before Up) or as -ignore-file applies to the whole file', () => {
    const header = '-- migrate-lens-ignore index-without-concurrently\n' + body('');
    expect(rulesOf(header)).toEqual([]);
    expect(rulesOf(body('-- migrate-lens-ignore-file index-without-concurrently'))).toEqual([]);
  });

  it('does not silence other rules, and names an unknown rule', () => {
    expect(rulesOf(body('-- migrate-lens-ignore drop-tabel'))).toEqual([
      'unknown-rule@2:1',
      'index-without-concurrently@3:1',
      'index-without-concurrently@4:1',
    ]);
  });

  it('without a rule id, or misspelt, says so instead of silently ignoring nothing', () => {
    expect(rulesOf(body('-- migrate-lens-ignore'))).toEqual(['unknown-rule@2:1', 'index-without-concurrently@3:1', 'index-without-concurrently@4:1']);
    expect(lintText(body('-- migrate-lens-ignore'), 'm.sql')[0].message).toMatch(/names no rule: write -- migrate-lens-ignore rule-id/);
    expect(rulesOf(body('-- migrate-lens-ignore-next-line index-without-concurrently'))).toEqual([
      'unknown-rule@2:1',
      'index-without-concurrently@3:1',
      'index-without-concurrently@4:1',
    ]);
    expect(lintText(body('-- migrate-lens-ignores index-without-concurrently'), 'm.sql')[0].message).toMatch(/"migrate-lens-ignores" is not a migrate-lens comment/);
  });

  it('takes a colon after the marker, and several ids separated by spaces before the reason', () => {
    expect(rulesOf(body('-- migrate-lens-ignore: index-without-concurrently'))).toEqual(['index-without-concurrently@4:1']);
    const text = '-- +migrate Up\n-- migrate-lens-ignore-file drop-column drop-table both go in this release, drop-table\nALTER TABLE a DROP COLUMN x;\nDROP TABLE a;\n-- +migrate Down\nSELECT 1;\n';
    expect(rulesOf(text)).toEqual([]);
  });

  it('after the last statement belongs to no statement: it silences nothing (it silenced the whole file) and says so', () => {
    const text = '-- +migrate Up\nDROP TABLE a;\n-- +migrate Down\nSELECT 1;\n-- migrate-lens-ignore drop-table\n';
    expect(rulesOf(text)).toEqual(['drop-table@2:1', 'unknown-rule@5:1']);
    expect(lintText(text, 'm.sql')[1].message).toMatch(/is on no statement/);
  });

  it('inside a string literal is not a comment', () => {
    const text = "-- +migrate Up\nUPDATE users SET note = '-- migrate-lens-ignore update-or-delete-without-where';\n-- +migrate Down\nSELECT 1;\n";
    expect(rulesOf(text)).toEqual(['update-or-delete-without-where@2:1']);
  });
});

describe('lint.rules in config.yaml', () => {
  it('turns rules off and changes severities', () => {
    const rules = parseLintRules('lint:\n  rules:\n    index-without-concurrently: off\n    drop-table: warning\n', 'config.yaml');
    expect(rules).toEqual({ 'index-without-concurrently': 'off', 'drop-table': 'warning' });
    const text = '-- +migrate Up\nCREATE INDEX a ON x (a);\nDROP TABLE x;\n-- +migrate Down\nSELECT 1;\n';
    expect(lintText(text, 'm.sql', { rules }).map((f) => `${f.rule}:${f.severity}`)).toEqual(['drop-table:warning']);
  });

  it('rejects an unknown rule or severity with the line', () => {
    expect(() => parseLintRules('lint:\n  rules:\n    drop-tabel: off\n', 'config.yaml')).toThrow(/config\.yaml:3: unknown lint rule "drop-tabel"/);
    expect(() => parseLintRules('lint:\n  rules:\n    drop-table: fatal\n', 'config.yaml')).toThrow(/config\.yaml:3: lint\.rules\.drop-table must be error, warning or off/);
    expect(() => parseLintRules('lint:\n  rules:\n    up-without-down: off\n    syntax-error: off\n', 'config.yaml')).toThrow(/config\.yaml:4: "syntax-error" is always on and has no setting/);
  });
});

describe('output formats', () => {
  const findings = () => lintText('-- +migrate Up\nDROP TABLE x;\n', 'migrations/1_a.sql');

  it('text is file:line:col severity rule message', () => {
    expect(formatFindings(findings(), 'text').split('\n')[0]).toBe('migrations/1_a.sql:1:1 warning up-without-down no -- +migrate Down section: this migration cannot be rolled back');
  });

  it('json is an array of {file, line, column, severity, rule, message}', () => {
    const rows = JSON.parse(formatFindings(findings(), 'json'));
    expect(rows[1]).toEqual({ file: 'migrations/1_a.sql', line: 2, column: 1, severity: 'error', rule: 'drop-table', message: expect.stringContaining('DROP TABLE "x"') });
  });

  it('sarif is SARIF 2.1.0 with every rule described', () => {
    const log = JSON.parse(formatFindings(findings(), 'sarif'));
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(RULES.map((r) => r.meta.id)));
    expect(run.results[1]).toMatchObject({
      ruleId: 'drop-table',
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'migrations/1_a.sql' }, region: { startLine: 2, startColumn: 1 } } }],
    });
    expect(run.tool.driver.rules[run.results[1].ruleIndex].id).toBe('drop-table');
  });

  it('sarif gives each file as a URI reference: spaces, %, # and non-ASCII letters escaped, folders kept', () => {
    const found = lintText('-- +migrate Up\nDROP TABLE x;\n-- +migrate Down\nSELECT 1;\n', 'my migrations\\1 a#b%c é.sql');
    const uri = JSON.parse(formatFindings(found, 'sarif')).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
    expect(uri).toBe('my%20migrations/1%20a%23b%25c%20%C3%A9.sql');
    expect(decodeURIComponent(uri)).toBe('my migrations/1 a#b%c é.sql');
    expect(JSON.parse(formatFindings(lintText('-- +migrate Up\nDROP TABLE x;\n', '/tmp/db/1_a.sql'), 'sarif')).runs[0].results[1].locations[0].physicalLocation.artifactLocation.uri).toBe('/tmp/db/1_a.sql');
  });

  it('every format gives the column in code points, and SARIF says so (columnKind)', () => {
    const found = lintText('-- +migrate Up\n/* 🚀 é */ DROP TABLE x;\n-- +migrate Down\nSELECT 1;\n', 'migrations/1_a.sql');
    expect(formatFindings(found, 'text')).toMatch(/^migrations\/1_a\.sql:2:11 error drop-table /);
    expect(JSON.parse(formatFindings(found, 'json'))[0]).toMatchObject({ line: 2, column: 11 });
    const run = JSON.parse(formatFindings(found, 'sarif')).runs[0];
    expect(run.columnKind).toBe('unicodeCodePoints');
    expect(run.results[0].locations[0].physicalLocation.region).toEqual({ startLine: 2, startColumn: 11 });
  });
});

describe('the rule registry', () => {
  const rulesDir = join(__dirname, '../../../src/lint/rules');
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');

  it('lists every rule file, once, under its file name', () => {
    const files = readdirSync(rulesDir).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.replace(/\.ts$/, '')).sort();
    expect(RULES.map((r) => r.meta.id).sort()).toEqual(files);
  });

  for (const rule of RULES) {
    const id = rule.meta.id;
    it(`${id}: documented, with a test and fixtures that must and must not report`, () => {
      expect(rule.meta.explanation.length).toBeGreaterThan(80);
      expect(rule.meta.fix.length).toBeGreaterThan(20);
      expect(readme).toContain(`| \`${id}\` | ${rule.meta.severity} |`);
      expect(readme).toContain(rule.meta.explanation);
      expect(readme).toContain(rule.meta.fix);
      expect(readdirSync(join(__dirname, 'rules'))).toContain(`${id}.test.ts`);
      expect(sqlFiles(join(FIXTURES, id, 'invalid')).length).toBeGreaterThan(0);
      expect(sqlFiles(join(FIXTURES, id, 'valid')).length).toBeGreaterThan(0);
    });
  }
});

describe('ParseCache (the editor lints the same document after every keystroke)', () => {
  const text = [
    '-- +migrate Up',
    'CREATE TABLE t (id int);',
    'CREATE INDEX t_id ON t (id);',
    'CREATE INDEX u_a ON users (a);',
    '-- +migrate Down',
    'DROP TABLE t;',
  ].join('\n');

  it('parses only the statements an edit changed, with the same findings as a fresh lint', () => {
    const cache = new ParseCache();
    expect(lintText(text, 'm.sql', { parseCache: cache })).toEqual(lintText(text, 'm.sql'));
    expect(cache.parsed).toBe(4);
    const edited = text.replace('users (a)', 'users (ab)');
    expect(lintText(edited, 'm.sql', { parseCache: cache })).toEqual(lintText(edited, 'm.sql'));
    expect(cache.parsed).toBe(5);
  });

  it('never shows the old text: a syntax error typed in appears, and goes when fixed', () => {
    const cache = new ParseCache();
    lintText(text, 'm.sql', { parseCache: cache });
    const broken = text.replace('CREATE TABLE t (id int);', 'CREATE TABLE t (id int;');
    expect(rulesOf(broken, { parseCache: cache })).toContain('syntax-error@2:23');
    expect(rulesOf(text, { parseCache: cache })).toEqual(rulesOf(text));
    // the same statement at another place keeps its own offsets
    const moved = `-- a comment line\n${text}`;
    expect(rulesOf(moved, { parseCache: cache })).toEqual(rulesOf(moved));
  });

  it('keeps only the last run\'s statements', () => {
    const cache = new ParseCache();
    for (let i = 0; i < 50; i++) lintText(text.replace('users (a)', `users (a${i})`), 'm.sql', { parseCache: cache });
    const parsedBefore = cache.parsed;
    lintText(text.replace('users (a)', 'users (a0)'), 'm.sql', { parseCache: cache });
    expect(cache.parsed).toBe(parsedBefore + 1); // a0 was forgotten long ago
  });
});
