// splitStatements on plain SQL (no directives) and the directive word list the grammar mirrors.
import { describe, expect, it } from 'vitest';
import { DIRECTIVES, ParseError, parseMigration, splitStatements } from '../../../src/engine/internal';

describe('splitStatements', () => {
  it('numbers lines from firstLine and points at the first code line', () => {
    expect(splitStatements('SELECT 1;\n\n-- about two\nSELECT 2', 10)).toEqual([
      { sql: 'SELECT 1', line: 10 },
      { sql: '-- about two\nSELECT 2', line: 13 },
    ]);
  });

  it('does not treat -- +migrate lines as directives', () => {
    expect(splitStatements('SELECT 1;\n-- +migrate Down\nSELECT 2;')).toEqual([
      { sql: 'SELECT 1', line: 1 },
      { sql: '-- +migrate Down\nSELECT 2', line: 3 },
    ]);
  });

  it('drops empty and comment-only pieces', () => {
    expect(splitStatements(';;  ; -- only a comment ;\n/* and ; this */')).toEqual([]);
    expect(splitStatements('')).toEqual([]);
  });

  it('reports unterminated quotes with the given file name and line', () => {
    let err: unknown;
    try {
      splitStatements("SELECT 1;\nSELECT 'open", 5, 'seed.sql');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).message).toBe('seed.sql:6: unterminated quoted string');
  });

  it('splits the same way as a migration section', () => {
    const body = "INSERT INTO t VALUES ('a;b');\nDO $x$ BEGIN PERFORM 1; END $x$;\nSELECT \"c;d\"";
    expect(parseMigration(`-- +migrate Up\n${body}\n`).up.statements).toEqual(splitStatements(body, 2));
  });
});

describe('DIRECTIVES', () => {
  it('lists the sql-migrate directive words', () => {
    expect([...DIRECTIVES]).toEqual(['Up', 'Down', 'StatementBegin', 'StatementEnd', 'notransaction']);
  });

  it.each(DIRECTIVES.filter((d) => d !== 'Up'))('accepts %s in any case', (d) => {
    const text = {
      Down: `-- +migrate Up\n-- +migrate ${d.toUpperCase()}\n`,
      StatementBegin: `-- +migrate Up\n-- +migrate ${d.toLowerCase()}\nSELECT 1;\n-- +migrate StatementEnd\n`,
      StatementEnd: `-- +migrate Up\n-- +migrate StatementBegin\nSELECT 1;\n-- +migrate ${d.toUpperCase()}\n`,
      notransaction: `-- +migrate Up\n-- +migrate ${d.toUpperCase()}\n`,
    }[d as 'Down' | 'StatementBegin' | 'StatementEnd' | 'notransaction'];
    expect(() => parseMigration(text)).not.toThrow();
  });
});
