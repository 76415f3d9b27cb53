import { afterPrefix } from '../ast';
import { insert } from '../fixes';
import type { LintStatement } from '../migration';
import type { Edit, Rule } from '../rule';

/** The guard a statement lacks and the edit that adds it, or null when it is idempotent or has no guard. */
function missingGuard(stmt: LintStatement): { guard: string; edit: Edit | null } | null {
  const n = stmt.node;
  const at = (re: RegExp, text: string) => {
    const o = afterPrefix(stmt, re);
    return o === null ? null : insert(o, text);
  };
  const inner = (re: RegExp, text: string) => {
    const m = re.exec(stmt.sql);
    return m ? insert(stmt.offset + m.index + m[0].length, text) : null;
  };
  switch (stmt.kind) {
    case 'IndexStmt':
      if (n.if_not_exists) return null;
      return { guard: 'IF NOT EXISTS', edit: n.idxname ? at(/create\s+(unique\s+)?index(\s+concurrently)?/i, ' IF NOT EXISTS') : null };
    case 'CreateStmt':
      if (n.if_not_exists) return null;
      return { guard: 'IF NOT EXISTS', edit: at(/create\s+((global|local)\s+)?((temp|temporary|unlogged)\s+)?table/i, ' IF NOT EXISTS') };
    case 'CreateExtensionStmt':
    case 'CreateSchemaStmt':
    case 'CreateSeqStmt':
      if (n.if_not_exists) return null;
      return { guard: 'IF NOT EXISTS', edit: at(/create\s+(extension|schema|sequence)/i, ' IF NOT EXISTS') };
    case 'DropStmt':
      if (n.missing_ok) return null;
      return { guard: 'IF EXISTS', edit: at(/drop\s+(materialized\s+view|foreign\s+table|index(\s+concurrently)?|[a-z]+)/i, ' IF EXISTS') };
    case 'CreateFunctionStmt':
    case 'ViewStmt':
      if (n.replace) return null;
      return { guard: 'OR REPLACE', edit: at(/create/i, ' OR REPLACE') };
    case 'AlterTableStmt': {
      const cmds = ((n.cmds ?? []) as { AlterTableCmd?: { subtype?: string; missing_ok?: boolean } }[]).map((c) => c.AlterTableCmd ?? {});
      const add = cmds.find((c) => c.subtype === 'AT_AddColumn' && !c.missing_ok);
      const drop = cmds.find((c) => (c.subtype === 'AT_DropColumn' || c.subtype === 'AT_DropConstraint') && !c.missing_ok);
      if (add) return { guard: 'IF NOT EXISTS', edit: cmds.length === 1 ? inner(/\badd\s+(column\s+)?/i, 'IF NOT EXISTS ') : null };
      if (drop) {
        const re = drop.subtype === 'AT_DropColumn' ? /\bdrop\s+(column\s+)?/i : /\bdrop\s+constraint\s+/i;
        return { guard: 'IF EXISTS', edit: cmds.length === 1 ? inner(re, 'IF EXISTS ') : null };
      }
      return null;
    }
    default:
      return null;
  }
}

export const rule: Rule = {
  meta: {
    id: 'notransaction-not-idempotent',
    description: 'a notransaction migration with several statements, one of which cannot be repeated',
    severity: 'warning',
    sections: ['up'],
    explanation:
      'A `notransaction` section runs statement by statement, each committed on its own. If the run stops half-way (a lock timeout, ' +
      'a killed deploy), the statements before the failure stay applied, and the next attempt may run the interrupted one again. ' +
      'A CREATE without IF NOT EXISTS or a DROP without IF EXISTS then fails with "already exists" / "does not exist".',
    fix: 'Make each statement repeatable: CREATE INDEX CONCURRENTLY IF NOT EXISTS, DROP INDEX CONCURRENTLY IF EXISTS, ADD COLUMN IF NOT EXISTS, CREATE OR REPLACE.',
  },
  check(stmt, ctx) {
    const section = stmt.section === 'up' ? ctx.migration.up : ctx.migration.down;
    if (!stmt.noTransaction || !section || section.statements.length < 2) return;
    const missing = missingGuard(stmt);
    if (!missing) return;
    ctx.report({
      statement: stmt,
      message: `statement ${stmt.index + 1} of ${section.statements.length} in a notransaction section has no ${missing.guard}; a resumed run may repeat it and fail`,
      fix: missing.edit ? { title: `Add ${missing.guard}`, edits: [missing.edit] } : undefined,
    });
  },
};
