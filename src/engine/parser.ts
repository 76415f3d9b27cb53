import { normaliseText } from './text';
import { ParseError } from './errors';
import type { ParsedMigration, Section, Statement } from './types';

/**
 * The `-- +migrate` directive words, as written in the documentation. Matching is
 * case-insensitive. The TextMate grammar mirrors this list and a test keeps them equal.
 */
export const DIRECTIVES = ['Up', 'Down', 'StatementBegin', 'StatementEnd', 'notransaction'] as const;
export type Directive = (typeof DIRECTIVES)[number];

/**
 * goose's `-- +goose` directives, read as their sql-migrate equivalents so a goose folder runs
 * unchanged: Up, Down, StatementBegin, StatementEnd, and `NO TRANSACTION` (the whole file, both
 * directions, like `notransaction` on both sections). The grammar mirrors this list too.
 */
export const GOOSE_DIRECTIVES = ['Up', 'Down', 'StatementBegin', 'StatementEnd', 'NO TRANSACTION'] as const;
export type GooseDirective = (typeof GOOSE_DIRECTIVES)[number];

const DIRECTIVE_BY_LOWER = new Map<string, Directive>(DIRECTIVES.map((d) => [d.toLowerCase(), d]));
const GOOSE_BY_LOWER = new Map<string, GooseDirective>(GOOSE_DIRECTIVES.map((d) => [d.toLowerCase(), d]));
/** `-- +migrate …` or `-- +goose …`: group 1 the tool, group 2 the rest of the line. */
const DIRECTIVE_LINE = /^--[ \t]*\+(migrate|goose)(.*)$/i;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
/** The words that open and close a SQL-standard function body (`BEGIN ATOMIC ... END`). */
const BLOCK_WORD_SEARCH = /(?<![A-Za-z0-9_$\u0080-\uffff])(?:begin|case|end)(?![A-Za-z0-9_$\u0080-\uffff])/gi;
/** Only in these statements does BEGIN open a body, as psql decides: CREATE [OR REPLACE] FUNCTION|PROCEDURE. */
const ROUTINE_HEAD = /create(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+(?:or(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+replace(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+)?(?:function|procedure)\b/iy;

const CH_TAB = 9, CH_LF = 10, CH_CR = 13, CH_SPACE = 32, CH_DQUOTE = 34, CH_DOLLAR = 36, CH_QUOTE = 39;
const CH_STAR = 42, CH_DASH = 45, CH_SLASH = 47, CH_SEMI = 59;

/** Characters that may change the lexer's state; everything else is plain statement text. */
const SPECIAL = new Uint8Array(65536);
for (const c of [CH_DQUOTE, CH_DOLLAR, CH_QUOTE, CH_DASH, CH_SLASH, CH_SEMI]) SPECIAL[c] = 1;

function isSpace(c: number): boolean {
  return c === CH_SPACE || c === CH_LF || c === CH_TAB || c === CH_CR || c === 12 || c === 11;
}

function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === CH_DOLLAR || c >= 128;
}

type Mode = { kind: 'split' } | { kind: 'migration' };

/**
 * One pass over the text: a small SQL lexer that knows where strings, quoted identifiers,
 * dollar quotes and comments begin and end, so that only a top-level `;` ends a statement.
 */
class Scanner {
  private pos = 0;
  private lineCountedTo = 0;
  private lineAtCounted: number;
  private readonly n: number;

  // The statement being collected: where its text starts (comments included) and where its code starts.
  private textStart = -1;
  private codeStart = -1;
  /** Open BEGIN (and CASE inside it) of a `BEGIN ATOMIC` body: a `;` inside does not end the statement. */
  private blockDepth = 0;
  /** The statement begins CREATE [OR REPLACE] FUNCTION|PROCEDURE: only there are BEGIN/CASE/END looked for. */
  private routine = false;
  /** Where the next BEGIN/CASE/END word is, from `wordSearchFrom` on (n: none). */
  private nextWord = -1;
  private wordSearchFrom = -1;

  private up: Section | null = null;
  private down: Section | null = null;
  private section: Section | null = null;
  /** `-- +goose NO TRANSACTION` seen: both sections run outside a transaction. */
  private gooseNoTransaction = false;

  constructor(
    private readonly src: string,
    private readonly file: string,
    private readonly mode: Mode,
    firstLine: number,
  ) {
    this.n = src.length;
    this.lineAtCounted = firstLine;
    if (mode.kind === 'split') this.section = { line: firstLine, noTransaction: false, statements: [] };
  }

  /** 1-based line of a position; positions are asked for in increasing order almost always. */
  lineAt(pos: number): number {
    if (pos < this.lineCountedTo) {
      this.lineCountedTo = 0;
      this.lineAtCounted = this.mode.kind === 'split' ? this.section!.line : 1;
    }
    let line = this.lineAtCounted;
    let i = this.src.indexOf('\n', this.lineCountedTo);
    while (i !== -1 && i < pos) {
      line++;
      i = this.src.indexOf('\n', i + 1);
    }
    this.lineCountedTo = pos;
    this.lineAtCounted = line;
    return line;
  }

  private fail(pos: number, reason: string): never {
    throw new ParseError(this.file, this.lineAt(pos), reason, pos);
  }

  run(): Section {
    const { src, n } = this;
    while (this.pos < n) {
      const c = src.charCodeAt(this.pos);
      if (SPECIAL[c] === 0) {
        if (this.codeStart === -1) {
          if (isSpace(c)) {
            this.pos++;
            continue;
          }
          this.markCode(this.pos);
        }
        // Inside a statement: run over plain text up to the next character that can change state.
        let p = this.pos + 1;
        while (p < n && SPECIAL[src.charCodeAt(p)] === 0) p++;
        if (this.routine) this.blockWords(this.pos, p);
        this.pos = p;
        continue;
      }
      const next = src.charCodeAt(this.pos + 1);
      switch (c) {
        case CH_DASH:
          if (next === CH_DASH) {
            if (this.mode.kind === 'migration' && this.atLineStart(this.pos) && this.tryDirective()) break;
            this.markText(this.pos);
            const eol = src.indexOf('\n', this.pos);
            this.pos = eol === -1 ? n : eol + 1;
          } else {
            this.markCode(this.pos);
            this.pos++;
          }
          break;
        case CH_SLASH:
          if (next === CH_STAR) {
            this.markText(this.pos);
            this.pos = this.skipBlockComment(this.pos);
          } else {
            this.markCode(this.pos);
            this.pos++;
          }
          break;
        case CH_QUOTE:
          this.markCode(this.pos);
          this.pos = this.skipString(this.pos, this.isEscapeString(this.pos));
          break;
        case CH_DQUOTE:
          this.markCode(this.pos);
          this.pos = this.skipQuotedIdentifier(this.pos);
          break;
        case CH_DOLLAR:
          this.markCode(this.pos);
          this.pos = this.skipDollar(this.pos);
          break;
        case CH_SEMI:
          if (this.blockDepth > 0) this.pos++;
          else {
            this.endStatement(this.pos);
            this.pos++;
          }
          break;
      }
    }
    this.endStatement(n);
    return this.section!;
  }

  result(): ParsedMigration {
    if (!this.up) {
      const empty = this.src.trim() === '';
      throw new ParseError(this.file, 1, empty ? 'empty file: missing -- +migrate Up' : 'missing -- +migrate Up');
    }
    if (this.gooseNoTransaction) {
      this.up.noTransaction = true;
      if (this.down) this.down.noTransaction = true;
    }
    return { up: this.up, down: this.down };
  }

  private markCode(pos: number): void {
    if (this.codeStart === -1) {
      if (!this.section) this.fail(pos, 'SQL before -- +migrate Up; every statement belongs to an Up or Down section');
      this.codeStart = pos;
      if ((this.src.charCodeAt(pos) | 0x20) === 99 /* c */) {
        ROUTINE_HEAD.lastIndex = pos;
        this.routine = ROUTINE_HEAD.test(this.src);
      }
      if (this.textStart === -1) this.textStart = pos;
    }
  }

  private markText(pos: number): void {
    if (this.textStart === -1) this.textStart = pos;
  }

  /** Ends the statement collected so far at `end` (exclusive); comment-only text is dropped. */
  private endStatement(end: number): void {
    if (this.codeStart !== -1) {
      let last = end;
      while (last > this.textStart && isSpace(this.src.charCodeAt(last - 1))) last--;
      const sql = this.src.slice(this.textStart, last);
      this.section!.statements.push({ sql, line: this.lineAt(this.codeStart) });
    }
    this.textStart = -1;
    this.codeStart = -1;
    this.blockDepth = 0;
    this.routine = false;
  }

  /**
   * BEGIN, CASE and END words in plain statement text [from, to): psql's rule for SQL-standard
   * bodies, so that `CREATE FUNCTION ... BEGIN ATOMIC ...; ...; END` stays one statement. The next
   * such word is searched once and remembered, so the text is scanned once in all.
   */
  private blockWords(from: number, to: number): void {
    for (;;) {
      if (this.nextWord < from || this.wordSearchFrom > from) {
        BLOCK_WORD_SEARCH.lastIndex = from;
        const m = BLOCK_WORD_SEARCH.exec(this.src);
        this.nextWord = m ? m.index : this.n;
        this.wordSearchFrom = from;
      }
      const at = this.nextWord;
      if (at >= to) return;
      const c = this.src.charCodeAt(at) | 0x20;
      if (c === 98 /* b */) {
        if (this.blockDepth > 0 || at !== this.codeStart) this.blockDepth++;
      } else if (c === 99 /* c */) {
        if (this.blockDepth > 0) this.blockDepth++;
      } else if (this.blockDepth > 0) this.blockDepth--;
      from = at + (c === 101 ? 3 : 4) + (c === 98 ? 1 : 0);
    }
  }

  private atLineStart(pos: number): boolean {
    for (let i = pos - 1; i >= 0; i--) {
      const c = this.src.charCodeAt(i);
      if (c === CH_LF) return true;
      if (c !== CH_SPACE && c !== CH_TAB) return false;
    }
    return true;
  }

  private isEscapeString(pos: number): boolean {
    const prev = this.src.charCodeAt(pos - 1);
    if (prev !== 69 && prev !== 101) return false; // E or e
    return pos < 2 || !isIdentChar(this.src.charCodeAt(pos - 2));
  }

  private skipString(pos: number, backslashEscapes: boolean): number {
    const { src } = this;
    let i = pos + 1;
    for (;;) {
      const q = src.indexOf("'", i);
      if (q === -1) this.fail(pos, 'unterminated quoted string');
      if (backslashEscapes) {
        const b = src.indexOf('\\', i);
        if (b !== -1 && b < q) {
          i = b + 2;
          continue;
        }
      }
      if (src.charCodeAt(q + 1) === CH_QUOTE) {
        i = q + 2;
        continue;
      }
      return q + 1;
    }
  }

  private skipQuotedIdentifier(pos: number): number {
    let i = pos + 1;
    for (;;) {
      const q = this.src.indexOf('"', i);
      if (q === -1) this.fail(pos, 'unterminated quoted identifier');
      if (this.src.charCodeAt(q + 1) === CH_DQUOTE) {
        i = q + 2;
        continue;
      }
      return q + 1;
    }
  }

  private skipDollar(pos: number): number {
    if (pos > 0 && isIdentChar(this.src.charCodeAt(pos - 1))) return pos + 1; // part of an identifier
    DOLLAR_TAG.lastIndex = pos;
    const m = DOLLAR_TAG.exec(this.src);
    if (!m) return pos + 1; // $1 parameter or a lone $
    const tag = m[0];
    const close = this.src.indexOf(tag, pos + tag.length);
    if (close === -1) this.fail(pos, `unterminated dollar quote ${tag}`);
    return close + tag.length;
  }

  private skipBlockComment(pos: number): number {
    const { src } = this;
    let depth = 1;
    let i = pos + 2;
    while (depth > 0) {
      const close = src.indexOf('*/', i);
      if (close === -1) this.fail(pos, 'unterminated /* comment');
      const open = src.indexOf('/*', i);
      if (open !== -1 && open < close) {
        depth++;
        i = open + 2;
      } else {
        depth--;
        i = close + 2;
      }
    }
    return i;
  }

  /** At a line-leading `--`: handles a `-- +migrate` directive and returns true, or returns false. */
  private tryDirective(): boolean {
    const { src } = this;
    const start = this.pos;
    let eol = src.indexOf('\n', start);
    if (eol === -1) eol = this.n;
    const m = DIRECTIVE_LINE.exec(src.slice(start, eol));
    if (!m) return false;
    if (m[1].toLowerCase() === 'goose') return this.gooseDirective(start, eol, m[2]);
    const rest = m[2];
    if (rest !== '' && rest.charCodeAt(0) !== CH_SPACE && rest.charCodeAt(0) !== CH_TAB) {
      this.fail(start, `unknown directive "+migrate${rest.trim().split(/\s+/)[0]}"; expected ${expected()}`);
    }
    const words = rest.trim().split(/[ \t]+/).filter(Boolean);
    if (words.length === 0) this.fail(start, `-- +migrate without a directive; expected ${expected()}`);
    const directive = DIRECTIVE_BY_LOWER.get(words[0].toLowerCase());
    if (!directive) this.fail(start, `unknown directive "-- +migrate ${words[0]}"; expected ${expected()}`);
    const options = words.slice(1);
    const line = this.lineAt(start);
    this.endStatement(start);
    this.pos = eol === this.n ? eol : eol + 1;
    this.apply(directive, options, start, line);
    return true;
  }

  /** `-- +goose WORDS`: the sql-migrate directive it stands for, or NO TRANSACTION for the whole file. */
  private gooseDirective(start: number, eol: number, rest: string): boolean {
    const expectedGoose = GOOSE_DIRECTIVES.join(', ');
    if (rest !== '' && rest.charCodeAt(0) !== CH_SPACE && rest.charCodeAt(0) !== CH_TAB) {
      this.fail(start, `unknown directive "+goose${rest.trim().split(/\s+/)[0]}"; expected ${expectedGoose}`);
    }
    const words = rest.trim().split(/[ \t]+/).filter(Boolean);
    if (words.length === 0) this.fail(start, `-- +goose without a directive; expected ${expectedGoose}`);
    const phrase = words.join(' ').toLowerCase();
    if (phrase.startsWith('envsub')) {
      this.fail(start, '-- +goose ENVSUB is not supported: migrate-lens runs the SQL as written; put the values in the file');
    }
    const directive = GOOSE_BY_LOWER.get(phrase) ?? GOOSE_BY_LOWER.get(words[0].toLowerCase());
    if (!directive) this.fail(start, `unknown directive "-- +goose ${words.join(' ')}"; expected ${expectedGoose}`);
    const options = directive === 'NO TRANSACTION' ? [] : words.slice(1);
    if (options.length) this.fail(start, `unexpected "${options[0]}" after -- +goose ${directive}`);
    const line = this.lineAt(start);
    this.endStatement(start);
    this.pos = eol === this.n ? eol : eol + 1;
    if (directive === 'NO TRANSACTION') this.gooseNoTransaction = true;
    else this.apply(directive, [], start, line);
    return true;
  }

  private apply(directive: Directive, options: string[], start: number, line: number): void {
    switch (directive) {
      case 'Up':
      case 'Down': {
        const noTransaction = this.sectionOptions(start, directive, options);
        if (directive === 'Up') {
          if (this.up) this.fail(start, `duplicate -- +migrate Up (the first is on line ${this.up.line})`);
          if (this.down) this.fail(start, `-- +migrate Up after -- +migrate Down (line ${this.down.line}); Up comes first`);
          this.up = this.section = { line, noTransaction, statements: [] };
        } else {
          if (!this.up) this.fail(start, '-- +migrate Down before -- +migrate Up; Up comes first');
          if (this.down) this.fail(start, `duplicate -- +migrate Down (the first is on line ${this.down.line})`);
          this.down = this.section = { line, noTransaction, statements: [] };
        }
        break;
      }
      case 'notransaction':
        if (options.length) this.fail(start, `unexpected "${options[0]}" after -- +migrate notransaction`);
        if (!this.section) this.fail(start, '-- +migrate notransaction before -- +migrate Up; it belongs to a section');
        this.section.noTransaction = true;
        break;
      case 'StatementBegin':
        if (options.length) this.fail(start, `unexpected "${options[0]}" after -- +migrate StatementBegin`);
        if (!this.section) this.fail(start, '-- +migrate StatementBegin before -- +migrate Up');
        this.readBlock(start, line);
        break;
      case 'StatementEnd':
        this.fail(start, '-- +migrate StatementEnd without a StatementBegin');
    }
  }

  private sectionOptions(pos: number, directive: string, options: string[]): boolean {
    let noTransaction = false;
    for (const o of options) {
      if (o.toLowerCase() === 'notransaction') noTransaction = true;
      else this.fail(pos, `unknown option "${o}" after -- +migrate ${directive}; only notransaction is allowed`);
    }
    return noTransaction;
  }

  /** StatementBegin … StatementEnd: the lines between are one statement, taken verbatim. */
  private readBlock(beginPos: number, beginLine: number): void {
    const { src } = this;
    const bodyStart = this.pos;
    let lineStart = bodyStart;
    while (lineStart < this.n) {
      let eol = src.indexOf('\n', lineStart);
      if (eol === -1) eol = this.n;
      const trimmed = src.slice(lineStart, eol).trim();
      const m = DIRECTIVE_LINE.exec(trimmed);
      if (m) {
        const words = m[2].trim().split(/[ \t]+/).filter(Boolean);
        const glued = m[2] !== '' && m[2][0] !== ' ' && m[2][0] !== '\t';
        if (!glued && words[0]?.toLowerCase() === 'statementend') {
          if (words.length > 1) this.fail(lineStart, `unexpected "${words[1]}" after -- +${m[1].toLowerCase()} StatementEnd`);
          this.pushBlock(bodyStart, lineStart);
          this.pos = eol === this.n ? eol : eol + 1;
          return;
        }
        this.fail(lineStart, `${trimmed} inside the StatementBegin block opened on line ${beginLine}; close it with -- +migrate StatementEnd first`);
      }
      lineStart = eol + 1;
    }
    this.fail(beginPos, 'unterminated -- +migrate StatementBegin: no StatementEnd before the end of the file');
  }

  private pushBlock(from: number, to: number): void {
    let body = this.src.slice(from, to).trim();
    if (body.endsWith(';')) body = body.slice(0, -1).trimEnd();
    if (body === '') return;
    this.section!.statements.push({ sql: body, line: this.lineAt(this.firstCode(from, to)) });
  }

  /** The first character of a block that is neither white space nor comment (for its line number). */
  private firstCode(from: number, to: number): number {
    const { src } = this;
    let i = from;
    while (i < to) {
      const c = src.charCodeAt(i);
      if (isSpace(c)) i++;
      else if (c === CH_DASH && src.charCodeAt(i + 1) === CH_DASH) {
        const eol = src.indexOf('\n', i);
        i = eol === -1 || eol > to ? to : eol + 1;
      } else if (c === CH_SLASH && src.charCodeAt(i + 1) === CH_STAR) {
        const close = src.indexOf('*/', i + 2);
        i = close === -1 || close > to ? to : close + 2;
      } else return i;
    }
    // Only comments: point at the first non-blank character instead.
    i = from;
    while (i < to && isSpace(src.charCodeAt(i))) i++;
    return i;
  }
}

function expected(): string {
  return DIRECTIVES.join(', ');
}

/** Parses one migration file's text (sql-migrate format). Throws ParseError naming file and line. */
export function parseMigration(text: string, file = '<input>'): ParsedMigration {
  const scanner = new Scanner(normaliseText(text), file, { kind: 'migration' }, 1);
  scanner.run();
  return scanner.result();
}

/**
 * Splits plain SQL into statements at top-level semicolons. Statements keep their leading
 * comments but not the terminating `;`; pieces that hold only comments and white space are dropped.
 */
export function splitStatements(sql: string, firstLine = 1, file = '<input>'): Statement[] {
  return new Scanner(normaliseText(sql), file, { kind: 'split' }, firstLine).run().statements;
}
