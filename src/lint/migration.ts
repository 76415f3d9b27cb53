import { lineOf, lineStarts } from '../engine/lines';
import { normaliseText } from '../engine/text';
import { ParseError } from '../engine/errors';
import { parseMigration } from '../engine/parser';
import type { Section } from '../engine/types';
import { parseSql, SqlSyntaxError, type Node, type ParsedStatement } from './pg-parser';

export type { Node };

/** One statement as PostgreSQL's grammar sees it, placed in its file. */
export interface LintStatement {
  section: 'up' | 'down';
  /** The section runs outside a transaction (`notransaction`). */
  noTransaction: boolean;
  /** 0-based among the parsed statements of its section. */
  index: number;
  /** The statement's text (from its first code character, without the `;`). */
  sql: string;
  /** Offsets in the file's LF-normalised text: first code character, and just after the statement. */
  offset: number;
  end: number;
  kind: string;
  node: Node;
  /**
   * Sent to the server in one query with other statements (a StatementBegin block holding several):
   * PostgreSQL runs such a query as one transaction, even in a `notransaction` section.
   */
  sharesQuery: boolean;
  /** Byte offset (libpg_query location) → file offset, for locations inside this statement. */
  at(location: number | undefined): number;
  /** Tables (lower-case names, schema left out) created by earlier statements of the same section. */
  createdBefore: { has(table: string): boolean };
}

export interface LintSection {
  name: 'up' | 'down';
  /** Offset of the `-- +migrate Up|Down` line and of that line's end (where `notransaction` goes). */
  directiveOffset: number;
  directiveEnd: number;
  noTransaction: boolean;
  statements: LintStatement[];
  /** The parser's statements (one per `;` or StatementBegin block), before PostgreSQL parsed them. */
  rawCount: number;
}

export interface SyntaxProblem {
  offset: number;
  message: string;
}

export interface LintMigration {
  file: string;
  /** LF-normalised text; every offset points into it. */
  text: string;
  up: LintSection | null;
  down: LintSection | null;
  /** The file is not a migration (sql-migrate format): line and reason, and nothing else is checked. */
  formatError: { line: number; message: string; offset?: number } | null;
  syntaxErrors: SyntaxProblem[];
  /** Offsets where each raw statement's text begins (comments included), in file order, for ignore comments. */
  statementSpans: { textStart: number; end: number }[];
}

/**
 * What PostgreSQL's grammar made of one statement's text. Parse trees are shared between runs and
 * between equal statements, so nothing may change them.
 */
export type ParseOutcome = ParsedStatement[] | SqlSyntaxError;

/**
 * Parse results by statement text, kept between runs over the same document: after a keystroke only
 * the edited statement goes through the parser again. Holds the statements of the last run only.
 */
export class ParseCache {
  private kept = new Map<string, ParseOutcome>();
  private used = new Map<string, ParseOutcome>();
  /** Statements sent to the parser so far (the others came from the cache). */
  parsed = 0;

  parse(sql: string): ParseOutcome {
    let outcome = this.used.get(sql) ?? this.kept.get(sql);
    if (!outcome) {
      this.parsed++;
      try {
        outcome = parseSql(sql);
      } catch (err) {
        if (!(err instanceof SqlSyntaxError)) throw err;
        outcome = err;
      }
    }
    this.used.set(sql, outcome);
    return outcome;
  }

  /** Ends a run: forgets what the text no longer holds. */
  endRun(): void {
    this.kept = this.used;
    this.used = new Map();
  }
}

/** Reads a migration's text into sections and PostgreSQL parse trees. The parser must be loaded. */
export function readMigration(rawText: string, file: string, cache: ParseCache = new ParseCache()): LintMigration {
  const text = normaliseText(rawText);
  const out: LintMigration = { file, text, up: null, down: null, formatError: null, syntaxErrors: [], statementSpans: [] };
  let parsed;
  try {
    parsed = parseMigration(text, file);
  } catch (err) {
    if (err instanceof ParseError) {
      out.formatError = { line: Math.max(1, err.line), message: err.reason, offset: err.offset };
      return out;
    }
    throw err;
  }
  let cursor = 0;
  let starts: number[] | null = null;
  const place = (sql: string, line: number): number => {
    // The parser's statements are slices of this text, in order. The same text can also stand
    // earlier in a comment that belongs to no statement (before StatementBegin or Down), so the
    // statement's own copy is the one whose code starts on the line the parser gives.
    const first = text.indexOf(sql, cursor);
    let at = first;
    if (at !== -1) {
      starts ??= lineStarts(text);
      const code = codeStart(sql);
      while (at !== -1 && lineOf(starts, at + code) + 1 !== line) at = text.indexOf(sql, at + 1);
    }
    const found = at !== -1 ? at : first !== -1 ? first : cursor;
    cursor = found + sql.length;
    return found;
  };
  out.up = readSection('up', parsed.up, text, place, out, cache);
  if (parsed.down) out.down = readSection('down', parsed.down, text, place, out, cache);
  cache.endRun();
  return out;
}

function readSection(
  name: 'up' | 'down',
  section: Section,
  text: string,
  place: (sql: string, line: number) => number,
  out: LintMigration,
  cache: ParseCache,
): LintSection {
  const directiveOffset = lineStart(text, section.line);
  const nl = text.indexOf('\n', directiveOffset);
  const result: LintSection = {
    name,
    directiveOffset,
    directiveEnd: nl === -1 ? text.length : nl,
    noTransaction: section.noTransaction,
    statements: [],
    rawCount: section.statements.length,
  };
  // Table name → index of the statement that created it, for createdBefore.
  const created = new Map<string, number>();
  for (const raw of section.statements) {
    const textStart = place(raw.sql, raw.line);
    out.statementSpans.push({ textStart, end: textStart + raw.sql.length });
    const parsed = cache.parse(raw.sql);
    if (parsed instanceof SqlSyntaxError) {
      // PostgreSQL's error cursor counts characters (code points), unlike node locations (bytes).
      out.syntaxErrors.push({ offset: textStart + (parsed.position >= 0 ? codePointToUnit(raw.sql, parsed.position) : codeStart(raw.sql)), message: parsed.message });
      continue;
    }
    const toChar = byteToChar(raw.sql);
    for (const p of parsed) {
      let from = toChar(p.byteStart);
      const to = p.byteLength === null ? raw.sql.length : toChar(p.byteStart + p.byteLength);
      from += codeStart(raw.sql.slice(from, to));
      const index = result.statements.length;
      const stmt: LintStatement = {
        section: name,
        noTransaction: section.noTransaction,
        index,
        sql: raw.sql.slice(from, to),
        offset: textStart + from,
        end: textStart + to,
        kind: p.kind,
        node: p.node,
        sharesQuery: parsed.length > 1,
        at: (location) => textStart + (typeof location === 'number' && location >= 0 ? toChar(location) : from),
        createdBefore: { has: (table) => (created.get(table) ?? index) < index },
      };
      result.statements.push(stmt);
      for (const t of tablesCreatedBy(stmt)) if (!created.has(t)) created.set(t, index);
      // A table this section created keeps being new under the name it is renamed to.
      if (stmt.kind === 'RenameStmt' && stmt.node.renameType === 'OBJECT_TABLE' && stmt.createdBefore.has(relName(stmt.node.relation))) {
        const to = String(stmt.node.newname ?? '');
        if (!created.has(to)) created.set(to, index);
      }
    }
  }
  return result;
}

/** Names of the tables a statement creates (CREATE TABLE, CREATE TABLE AS, CREATE MATERIALIZED VIEW, SELECT INTO). */
export function tablesCreatedBy(stmt: { kind: string; node: Node }): string[] {
  if (stmt.kind === 'CreateStmt') return [relName(stmt.node.relation)];
  if (stmt.kind === 'CreateTableAsStmt') return [relName(stmt.node.into?.rel)];
  if (stmt.kind === 'SelectStmt' && stmt.node.intoClause) return [relName(stmt.node.intoClause.rel)];
  return [];
}

/** A RangeVar's table name as PostgreSQL folded it (schema left out). */
export function relName(rangeVar: Node | undefined): string {
  return String(rangeVar?.relname ?? '');
}

/** Offset of the first character that is neither white space nor inside a comment. */
export function codeStart(sql: string): number {
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) i++;
    else if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      const eol = sql.indexOf('\n', i);
      i = eol === -1 ? n : eol + 1;
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql.startsWith('/*', i)) (depth++, (i += 2));
        else if (sql.startsWith('*/', i)) (depth--, (i += 2));
        else i++;
      }
    } else return i;
  }
  return n;
}

function codePointToUnit(sql: string, codePoints: number): number {
  let unit = 0;
  for (let cp = 0; cp < codePoints && unit < sql.length; cp++) {
    const c = sql.charCodeAt(unit);
    unit += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  }
  return unit;
}

/** libpg_query reports UTF-8 byte offsets; JavaScript strings count UTF-16 units. */
function byteToChar(sql: string): (byte: number) => number {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(sql)) return (b) => b;
  const bytes: number[] = []; // bytes[charIndex] = byte offset of that char
  let b = 0;
  for (let i = 0; i < sql.length; i++) {
    bytes.push(b);
    const c = sql.charCodeAt(i);
    if (c < 0x80) b += 1;
    else if (c < 0x800) b += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      b += 4;
      bytes.push(b); // the low surrogate: no byte of its own
      i++;
    } else b += 3;
  }
  bytes.push(b);
  return (byte) => {
    let lo = 0;
    let hi = bytes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (bytes[mid] < byte) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function lineStart(text: string, line: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl === -1) return text.length;
    at = nl + 1;
  }
  return at;
}
