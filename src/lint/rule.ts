import type { LintMigration, LintStatement, Node } from './migration';

export type Severity = 'error' | 'warning';

/** A text edit on the migration file (offsets into its LF-normalised text). */
export interface Edit {
  offset: number;
  length: number;
  text: string;
}

/** A mechanical fix the editor can offer; every edit applies to the same text, none overlap. */
export interface Fix {
  title: string;
  edits: Edit[];
}

export interface RuleMeta {
  /** kebab-case, also the file name under rules/ and the word in ignore comments. */
  id: string;
  /** One line: what the rule finds. */
  description: string;
  severity: Severity;
  /** One paragraph: why it matters (the README prints it). */
  explanation: string;
  /** One paragraph: what to write instead. */
  fix: string;
  /**
   * The sections the rule looks at. Safety rules read only Up: a Down exists to undo, so dropping
   * what the Up created is its purpose. Rules about statements that would fail at run time read both.
   */
  sections: ReadonlyArray<'up' | 'down'>;
}

export interface Report {
  statement: LintStatement;
  message: string;
  /** Offset in the file (default: where the statement's code starts). */
  offset?: number;
  /** Where the finding ends (default: the statement's end), for one not about a whole statement. */
  end?: number;
  fix?: Fix;
}

export interface RuleContext {
  migration: LintMigration;
  /** The run's own lock_timeout for DDL (ms, 0 = none): from --ddl-lock-timeout or the config. */
  ddlLockTimeoutMs: number;
  report(r: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  /** Called once per statement of a section the rule reads, in file order. */
  check(statement: LintStatement, context: RuleContext): void;
  /** Called once per migration after the statements (for rules about the whole file). */
  checkMigration?(context: RuleContext): void;
}

export type { LintMigration, LintStatement, Node };
