// Where an offset of a text falls: its line, and its column counted two ways. The linter prints
// columns in code points (what a user sees and what PostgreSQL counts); VS Code's positions count
// UTF-16 units. Pure, so the extension can load it at start without the linter.

/** The offset where each line of a text starts (after every `\n`). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 0-based line of an offset, found by binary search over `lineStarts`. */
export function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** 0-based line and character (UTF-16 units from the line's start): a VS Code position. */
export function utf16Position(starts: readonly number[], offset: number): { line: number; character: number } {
  const line = lineOf(starts, offset);
  return { line, character: offset - starts[line] };
}

/** 1-based line and column in code points (an emoji is one column, as a user counts it). */
export function codePointPosition(text: string, starts: readonly number[], offset: number): { line: number; column: number } {
  const line = lineOf(starts, offset);
  return { line: line + 1, column: codePointsBetween(text, starts[line], offset) + 1 };
}

/** Code points in text[from, to): a surrogate pair counts once. */
export function codePointsBetween(text: string, from: number, to: number): number {
  let n = to - from;
  for (let i = from + 1; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) {
      const prev = text.charCodeAt(i - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) n--;
    }
  }
  return n;
}
