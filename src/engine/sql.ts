/** A quoted identifier: `"name"` with embedded quotes doubled. Never splice a name any other way. */
export function quoteIdent(name: string): string {
  if (name.includes('\0')) throw new Error('an identifier cannot contain a NUL character');
  return '"' + name.replace(/"/g, '""') + '"';
}

/**
 * A value as a SQL literal, for the one place where a value must travel inside a multi-statement
 * simple query (the history row written in the same round trip as the migration). Strings are
 * dollar-quoted with a tag that does not occur in them, so no setting (standard_conforming_strings,
 * backslashes) and no content can end the literal early.
 */
export function sqlLiteral(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  if (value.includes('\0')) throw new Error('a text value cannot contain a NUL character');
  let tag = '$ml$';
  // The literal ends at the first occurrence of the tag: it must be the one we append.
  for (let i = 0; (value + tag).indexOf(tag) !== value.length; i++) tag = `$ml${i}$`;
  return tag + value + tag;
}
