import { describe, expect, it } from 'vitest';
import { codePointPosition, codePointsBetween, lineStarts, utf16Position } from '../../src/engine/lines';

describe('lines: where an offset falls', () => {
  const text = 'SELECT 1;\n-- café 🚀\n/* 🚀 */ x\n\nlast';
  const starts = lineStarts(text);

  it('finds every line start, an empty line and a last line without \\n included', () => {
    expect(starts).toEqual([0, 10, 21, 32, 33]);
    expect(lineStarts('')).toEqual([0]);
  });

  it('gives a VS Code position in UTF-16 units and a 1-based column in code points', () => {
    const x = text.indexOf('x');
    expect(utf16Position(starts, x)).toEqual({ line: 2, character: 9 });
    expect(codePointPosition(text, starts, x)).toEqual({ line: 3, column: 9 });
    const e = text.indexOf('é');
    expect(utf16Position(starts, e + 1)).toEqual({ line: 1, character: 7 });
    expect(codePointPosition(text, starts, e + 1)).toEqual({ line: 2, column: 8 });
  });

  it('puts a line start on its own line, and the end of the text on the last line', () => {
    expect(utf16Position(starts, 10)).toEqual({ line: 1, character: 0 });
    expect(utf16Position(starts, 9)).toEqual({ line: 0, character: 9 });
    expect(codePointPosition(text, starts, 32)).toEqual({ line: 4, column: 1 });
    expect(codePointPosition(text, starts, text.length)).toEqual({ line: 5, column: 5 });
  });

  it('counts a surrogate pair once, a lone surrogate once', () => {
    expect(codePointsBetween('a🚀b', 0, 4)).toBe(3);
    expect(codePointsBetween('🚀🚀', 0, 4)).toBe(2);
    expect(codePointsBetween('\udc00\udc00', 0, 2)).toBe(2);
    expect(codePointsBetween('naïve', 0, 5)).toBe(5);
  });
});
