import { describe, expect, it } from 'vitest';
import { DIRECTIVES, GOOSE_DIRECTIVES, parseMigration } from '../../../src/engine/parser';
import { DIRECTIVE_DOCS, directiveAt, directiveHover, directiveRange, GOOSE_DIRECTIVE_DOCS, gooseDirectiveAt } from '../../../src/extension/model/directive-docs';

describe('directive hovers', () => {
  it('document every directive of the parser', () => {
    expect(Object.keys(DIRECTIVE_DOCS).sort()).toEqual([...DIRECTIVES].sort());
  });

  it('find the directive word and its columns, in any case', () => {
    expect(directiveAt('  --+MIGRATE down notransaction')).toEqual({ directive: 'Down', word: 'down', start: 13, end: 17 });
    expect(directiveAt('-- just a comment')).toBeNull();
    expect(directiveAt('SELECT 1; -- +migrate Up')).toBeNull();
  });

  it('explain the directive, the notransaction option, and list the known words for a typo', () => {
    expect(directiveHover('-- +migrate Up')).toMatch(/^\*\*-- \+migrate Up\*\* — Starts the \*\*Up\*\* section/);
    expect(directiveHover('-- +migrate Up notransaction')).toMatch(/\*\*notransaction\*\* — Runs this section/);
    expect(directiveHover('-- +migrate Upp')).toBe('`Upp` is not a directive. Known: `Up`, `Down`, `StatementBegin`, `StatementEnd`, `notransaction`.');
  });

  it("document every goose directive of the parser, and only lines the parser reads as goose's", () => {
    expect(Object.keys(GOOSE_DIRECTIVE_DOCS).sort()).toEqual([...GOOSE_DIRECTIVES].sort());
    // Each documented form is one the parser takes (NO TRANSACTION makes both sections run outside one).
    for (const d of GOOSE_DIRECTIVES) {
      const text = d === 'StatementBegin' || d === 'StatementEnd'
        ? '-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementEnd\n'
        : `-- +goose ${d === 'Down' ? 'Up\nSELECT 1;\n-- +goose Down' : d === 'NO TRANSACTION' ? 'NO TRANSACTION\n-- +goose Up' : 'Up'}\nSELECT 1;\n`;
      expect(() => parseMigration(text), d).not.toThrow();
      expect(directiveHover(`-- +goose ${d}`), d).toBe(`**-- +goose ${d}** — ${GOOSE_DIRECTIVE_DOCS[d]}`);
    }
    expect(parseMigration('-- +goose NO TRANSACTION\n-- +goose Up\nSELECT 1;\n').up.noTransaction).toBe(true);
  });

  it('find the goose directive and its columns, in any case, NO TRANSACTION as one', () => {
    expect(gooseDirectiveAt('--  +goose   no   transaction')).toEqual({ directive: 'NO TRANSACTION', word: 'no   transaction', start: 13, end: 29 });
    expect(gooseDirectiveAt('-- +goose statementbegin')).toEqual({ directive: 'StatementBegin', word: 'statementbegin', start: 10, end: 24 });
    expect(gooseDirectiveAt('-- +migrate Up')).toBeNull();
    expect(directiveAt('-- +goose Up')).toBeNull();
    expect(directiveRange('-- +goose Down')).toMatchObject({ start: 10, end: 14 });
    expect(directiveRange('-- +migrate Down')).toMatchObject({ start: 12, end: 16 });
    expect(directiveRange('SELECT 1; -- +goose Up')).toBeNull();
  });

  it('explain goose lines, and list the known goose words for a typo', () => {
    expect(directiveHover('-- +goose Up')).toMatch(/^\*\*-- \+goose Up\*\* — goose's form of `-- \+migrate Up`/);
    expect(directiveHover('-- +goose NO TRANSACTION')).toMatch(/Runs the \*\*whole file\*\* \(Up and Down\) without a transaction/);
    expect(directiveHover('-- +goose Upp')).toBe('`Upp` is not a goose directive. Known: `Up`, `Down`, `StatementBegin`, `StatementEnd`, `NO TRANSACTION`.');
    expect(directiveHover('-- +goose ENVSUB ON')).toMatch(/ENVSUB` is not supported/);
  });
});
