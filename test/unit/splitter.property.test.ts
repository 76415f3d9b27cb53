// Property tests for the statement splitter: generated SQL whose true statement boundaries are known,
// so the splitter must find exactly them, whatever semicolons hide in strings, dollar quotes,
// quoted identifiers and comments; and plain random text, where it must never lose or invent code.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ParseError, splitStatements } from '../../src/engine/internal';

type Token = { text: string; code: boolean };

const tricky = [';', "'", '"', '$', '$$', '--', '/*', '*/', '\\', 'é', '😀', ' ', 'a', 'Z', '0', '\n', '\t', '(', ')', 'E', '+'];
const chars = (exclude: string[]) => fc.constantFrom(...tricky.filter((c) => !exclude.some((x) => c.includes(x))));
const text = (exclude: string[], extra: string[] = [], maxLength = 12) =>
  fc.array(extra.length ? fc.oneof(chars(exclude), fc.constantFrom(...extra)) : chars(exclude), { maxLength }).map((a) => a.join(''));

const word = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/).map((t): Token => ({ text: t, code: true }));
const number = fc.nat(99999).map((n): Token => ({ text: String(n), code: true }));
const operator = fc.constantFrom('(', ')', ',', '+', '-', '*', '/', '=', '<>', '::', '.', '$1', '$2', '[', ']').map((t): Token => ({ text: t, code: true }));
// '…' with '' inside; a backslash is an ordinary character here.
const stringLit = text(["'"], ["''"]).map((s): Token => ({ text: `'${s}'`, code: true }));
// E'…' where \' and \\ are escapes.
const escapeString = text(["'", '\\'], ["\\'", '\\\\', "''"]).map((s): Token => ({ text: `E'${s}'`, code: true }));
const quotedIdent = text(['"'], ['""']).filter((s) => s.length > 0).map((s): Token => ({ text: `"${s}"`, code: true }));
const dollarQuote = fc
  .tuple(fc.constantFrom('', 'a', 'body', 'x_1', 'é'), text([], ["'", '$a$', '$$', 'END;'], 16))
  .filter(([tag, body]) => (body + `$${tag}$`).indexOf(`$${tag}$`) === body.length)
  .map(([tag, body]): Token => ({ text: `$${tag}$${body}$${tag}$`, code: true }));
const lineComment = text(['\n'], ['/*', "'", '$$']).map((s): Token => ({ text: `--${s}\n`, code: false }));
const blockComment: fc.Arbitrary<Token> = fc
  .letrec((tie) => ({
    comment: fc.array(fc.oneof({ depthSize: 'small', withCrossShrink: true }, text(['*', '/']), tie('comment')), { maxLength: 3 }).map((parts) => `/*${parts.join('')}*/`),
  }))
  .comment.map((t): Token => ({ text: t as string, code: false }));

const codeToken = fc.oneof(word, word, number, operator, stringLit, escapeString, quotedIdent, dollarQuote);
const anyToken = fc.oneof(codeToken, codeToken, lineComment, blockComment);
const space = fc.constantFrom(' ', '\n', '\t', '  \n', '\r\n', '\n\n', ' \n ');

/** A script made of pieces (what lies between top-level semicolons), with the statements it must split into. */
const script = fc
  .tuple(
    fc.array(fc.tuple(space, fc.array(fc.tuple(anyToken, space), { maxLength: 6 })), { minLength: 1, maxLength: 6 }),
    fc.boolean(),
    fc.integer({ min: 1, max: 500 }),
  )
  .map(([pieces, finalSemicolon, firstLine]) => {
    let sql = '';
    const expected: { sql: string; line: number }[] = [];
    pieces.forEach(([lead, tokens], i) => {
      if (i > 0) sql += ';';
      sql += lead;
      const pieceStart = sql.length;
      let codeLine: number | null = null;
      for (const [token, after] of tokens) {
        if (token.code && codeLine === null) codeLine = firstLine + (sql.match(/\n/g) ?? []).length;
        sql += token.text + after;
      }
      if (codeLine !== null) expected.push({ sql: sql.slice(pieceStart).trim(), line: codeLine });
    });
    if (finalSemicolon) sql += ';';
    return { sql, firstLine, expected: expected.map((e) => ({ ...e, sql: e.sql.replace(/\r\n/g, '\n') })) };
  });

/**
 * Where `piece` occurs at or after `from` as a statement can: only comments, white space and `;` before it,
 * only white space and then `;` or the end after it. -1 if nowhere.
 */
function nextCodeFreeOccurrence(input: string, piece: string, from: number): number {
  for (let at = input.indexOf(piece, from); at !== -1; at = input.indexOf(piece, at + 1)) {
    if (!/^\s*(;|$)/.test(input.slice(at + piece.length))) continue;
    try {
      if (splitStatements(input.slice(from, at)).length === 0) return at;
    } catch {
      // the gap would cut through a quote or comment: not this occurrence
    }
  }
  return -1;
}

describe('splitStatements (properties)', () => {
  test('finds exactly the generated statements, with the line of their first code token', () => {
    fc.assert(
      fc.property(script, ({ sql, firstLine, expected }) => {
        expect(splitStatements(sql, firstLine)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  }, 30_000);

  test('never loses or invents code in arbitrary text', () => {
    const unit = fc.constantFrom(';', ';', "'", '"', '$', '$$', '$a$', '-', '--', '/', '*', '/*', '*/', '\n', ' ', 'a', 'E', 'e', '\\', '(', 'x', '1');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }).map((a) => a.join('')), (input) => {
        let statements;
        try {
          statements = splitStatements(input);
        } catch (err) {
          // Text that does not lex is refused with a line inside the text, never split anyway.
          expect(err).toBeInstanceOf(ParseError);
          expect((err as ParseError).line).toBeGreaterThanOrEqual(1);
          expect((err as ParseError).line).toBeLessThanOrEqual(input.split('\n').length);
          return;
        }
        let cursor = 0;
        for (const s of statements) {
          expect(s.sql.trim()).toBe(s.sql);
          expect(s.sql).not.toBe('');
          // A verbatim slice, in order (nothing invented), after a gap that holds no code (nothing lost).
          const at = nextCodeFreeOccurrence(input, s.sql, cursor);
          expect(at, `${JSON.stringify(s.sql)} in ${JSON.stringify(input)}`).toBeGreaterThanOrEqual(cursor);
          const startLine = 1 + (input.slice(0, at).match(/\n/g) ?? []).length;
          const endLine = startLine + (s.sql.match(/\n/g) ?? []).length;
          expect(s.line).toBeGreaterThanOrEqual(startLine);
          expect(s.line).toBeLessThanOrEqual(endLine);
          cursor = at + s.sql.length;
        }
        expect(splitStatements(input.slice(cursor))).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  }, 30_000);

  test('statements joined again with "\\n;\\n" split into the same statements (what the runner sends)', () => {
    fc.assert(
      fc.property(script, ({ sql }) => {
        const once = splitStatements(sql).map((s) => s.sql);
        const again = splitStatements(once.join('\n;\n')).map((s) => s.sql);
        expect(again).toEqual(once);
      }),
      { numRuns: 300 },
    );
  }, 30_000);

  test('firstLine only shifts the line numbers', () => {
    fc.assert(
      fc.property(script, fc.integer({ min: 1, max: 10_000 }), ({ sql }, k) => {
        const base = splitStatements(sql, 1);
        expect(splitStatements(sql, k)).toEqual(base.map((s) => ({ ...s, line: s.line + k - 1 })));
      }),
      { numRuns: 200 },
    );
  }, 30_000);

  test('a semicolon inside any quote or comment never ends the statement', () => {
    const payload = fc.array(fc.constantFrom(';', ' ; ', "'", '"', '$', '\\', '--', '\n', 'x', 'é'), { minLength: 1, maxLength: 20 }).map((a) => a.join(''));
    const wrap = {
      literal: (p: string) => `'${p.replace(/'/g, "''")}'`,
      identifier: (p: string) => `"${p.replace(/"/g, '""')}"`,
      dollar: (p: string) => {
        let tag = '$q$';
        for (let i = 0; (p + tag).indexOf(tag) !== p.length; i++) tag = `$q${i}$`;
        return `${tag}${p}${tag}`;
      },
      blockComment: (p: string) => `/* ${p.replace(/\*\//g, '* /').replace(/\/\*/g, '/ *')} */`,
      nestedComment: (p: string) => `/* a /* ${p.replace(/\*\//g, '* /').replace(/\/\*/g, '/ *')} */ b; */`,
      lineComment: (p: string) => `-- ${p.replace(/\n/g, ' ')}\n`,
    };
    fc.assert(
      fc.property(payload, fc.constantFrom(...(Object.keys(wrap) as (keyof typeof wrap)[])), (p, kind) => {
        const quoted = wrap[kind](p);
        const first = `SELECT 1 ${quoted} AS x`;
        const statements = splitStatements(`${first};\nSELECT 2;`);
        expect(statements.map((s) => s.sql)).toEqual([first, 'SELECT 2']);
      }),
      { numRuns: 500 },
    );
  }, 30_000);

  test('an unterminated quote, dollar quote, identifier or comment is an error on the line it opens', () => {
    const opener = fc.constantFrom("'abc", "E'it\\'s", '"name', '$$ body', '$tag$ body $$', '/* note', '/* outer /* inner */');
    fc.assert(
      fc.property(script, opener, fc.array(fc.constantFrom('x', ';', ' ', '\n'), { maxLength: 10 }).map((a) => a.join('')), ({ sql }, open, rest) => {
        const body = sql.endsWith(';') ? sql : sql + ';';
        const line = 1 + (body.replace(/\r\n/g, '\n').match(/\n/g) ?? []).length + 1;
        const input = `${body}\nSELECT ${open}${rest}`;
        let error: unknown = null;
        try {
          splitStatements(input);
        } catch (err) {
          error = err;
        }
        expect(error).toBeInstanceOf(ParseError);
        expect((error as ParseError).line).toBe(line);
        expect((error as ParseError).reason).toMatch(/unterminated/);
      }),
      { numRuns: 300 },
    );
  }, 30_000);
});
