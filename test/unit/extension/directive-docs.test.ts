import { describe, expect, it } from 'vitest';
import { DIRECTIVES } from '../../../src/engine/parser';
import { DIRECTIVE_DOCS, directiveAt, directiveHover } from '../../../src/extension/model/directive-docs';

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
});
