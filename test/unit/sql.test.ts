// Identifier and literal quoting: hostile values must never end the quote early.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitStatements } from '../../src/engine/internal';
import { quoteIdent, sqlLiteral } from '../../src/engine/sql';

/** Reads a dollar-quoted literal the way PostgreSQL's lexer does: body up to the first closing tag. */
function readDollarLiteral(literal: string): { body: string; rest: string } {
  const tag = /^\$[A-Za-z_][A-Za-z0-9_]*\$/.exec(literal)?.[0];
  if (!tag) throw new Error(`not a dollar-quoted literal: ${literal}`);
  const close = literal.indexOf(tag, tag.length);
  if (close === -1) throw new Error(`unterminated: ${literal}`);
  return { body: literal.slice(tag.length, close), rest: literal.slice(close + tag.length) };
}

/** Reads a double-quoted identifier: `""` is one quote, the first lone `"` ends it. */
function readIdent(quoted: string): { name: string; rest: string } {
  expect(quoted[0]).toBe('"');
  let name = '';
  for (let i = 1; i < quoted.length; i++) {
    if (quoted[i] !== '"') name += quoted[i];
    else if (quoted[i + 1] === '"') (name += '"'), i++;
    else return { name, rest: quoted.slice(i + 1) };
  }
  throw new Error(`unterminated: ${quoted}`);
}

const HOSTILE = [
  '',
  "it's",
  "'); DROP TABLE users; --",
  '$ml$',
  '$ml$; DROP TABLE x; $ml$',
  'ends with $ml',
  'ml$',
  '$ml',
  '$ml0$ and $ml$ and $ml1$',
  '$ml$$ml0$$ml1$$ml2$',
  'back\\slash\\',
  "\\'",
  '$$',
  'line\nbreak; /* comment */ -- dash',
  'E\'x\'',
  'unicode ✓ ünïcödé',
];

describe('quoteIdent', () => {
  it.each(['schema_migrations', 'Mixed Case', 'with"quote', '"', '""', 'a;b', "it's", '$x$', 'tab\tname'])('quotes %j so it reads back exactly', (name) => {
    const quoted = quoteIdent(name);
    expect(quoted.startsWith('"') && quoted.endsWith('"')).toBe(true);
    expect(readIdent(quoted)).toEqual({ name, rest: '' });
  });

  it('refuses NUL', () => {
    expect(() => quoteIdent('a\0b')).toThrow();
  });
});

describe('sqlLiteral', () => {
  it('writes NULL, booleans and finite numbers bare', () => {
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(true)).toBe('TRUE');
    expect(sqlLiteral(false)).toBe('FALSE');
    expect(sqlLiteral(42)).toBe('42');
    expect(sqlLiteral(-1.5)).toBe('-1.5');
    expect(() => sqlLiteral(Number.NaN)).toThrow();
    expect(() => sqlLiteral(Infinity)).toThrow();
    expect(() => sqlLiteral('a\0b')).toThrow();
  });

  it.each(HOSTILE)('dollar-quotes %j so that the closing tag is the one at the end', (value) => {
    const lit = sqlLiteral(value);
    const tag = /^\$[A-Za-z_][A-Za-z0-9_]*\$/.exec(lit)![0];
    expect(lit.endsWith(tag)).toBe(true);
    // After the opening tag, the tag occurs exactly once: at the very end.
    expect(lit.indexOf(tag, tag.length)).toBe(lit.length - tag.length);
    expect(readDollarLiteral(lit)).toEqual({ body: value, rest: '' });
  });

  it('keeps the plain tag when the value cannot clash with it', () => {
    expect(sqlLiteral('hello')).toBe('$ml$hello$ml$');
    expect(sqlLiteral('$ml$')).not.toMatch(/^\$ml\$/);
  });

  it('is one statement to our own lexer, whatever the value', () => {
    for (const value of HOSTILE) {
      const lit = sqlLiteral(value);
      const statements = splitStatements(`INSERT INTO t VALUES (${lit}); SELECT 2`);
      expect(statements.map((s) => s.sql)).toEqual([`INSERT INTO t VALUES (${lit})`, 'SELECT 2']);
    }
  });

  it('round-trips arbitrary strings built from the dangerous characters', () => {
    const chars = fc.constantFrom('$', 'm', 'l', '0', '1', '_', "'", '\\', ';', ' ', 'x');
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 24 }), (value) => {
        expect(readDollarLiteral(sqlLiteral(value))).toEqual({ body: value, rest: '' });
      }),
      { numRuns: 300 },
    );
  });
});
