import { alterTableCmds, isNewTable } from '../ast';
import type { LintStatement } from '../migration';
import type { Rule, RuleContext } from '../rule';

/** An earlier statement of the section validates a check on this table (ADD … CHECK … valid, or VALIDATE CONSTRAINT). */
function validatedCheckBefore(stmt: LintStatement, ctx: RuleContext, table: string, column: string): boolean {
  const section = stmt.section === 'up' ? ctx.migration.up : ctx.migration.down;
  for (const s of section?.statements ?? []) {
    if (s.index >= stmt.index) break;
    const alter = alterTableCmds(s);
    if (!alter || alter.table !== table) continue;
    for (const cmd of alter.cmds) {
      if (cmd.subtype === 'AT_ValidateConstraint') return true;
      const c = cmd.def?.Constraint;
      if (cmd.subtype === 'AT_AddConstraint' && c?.contype === 'CONSTR_CHECK' && !c.skip_validation && JSON.stringify(c.raw_expr ?? {}).includes(`"sval":"${column}"`)) {
        return true;
      }
    }
  }
  return false;
}

export const rule: Rule = {
  meta: {
    id: 'set-not-null-without-check',
    description: 'SET NOT NULL on an existing column without a validated check constraint first',
    severity: 'error',
    sections: ['up'],
    explanation:
      'ALTER COLUMN … SET NOT NULL scans the whole table to prove there is no NULL, holding an ACCESS EXCLUSIVE lock that blocks ' +
      'reads and writes for the length of the scan. Since PostgreSQL 12 the scan is skipped when a validated CHECK (col IS NOT NULL) ' +
      'constraint already proves it.',
    fix:
      'First add CHECK (col IS NOT NULL) NOT VALID and VALIDATE CONSTRAINT it (a lock that lets writes go on), then SET NOT NULL ' +
      '(instant), then drop the check constraint.',
  },
  check(stmt, ctx) {
    const alter = alterTableCmds(stmt);
    if (!alter || isNewTable(stmt, alter.table)) return;
    for (const cmd of alter.cmds) {
      if (cmd.subtype !== 'AT_SetNotNull' || !cmd.name) continue;
      if (validatedCheckBefore(stmt, ctx, alter.table, cmd.name)) continue;
      ctx.report({
        statement: stmt,
        message: `SET NOT NULL on "${alter.table}"."${cmd.name}" scans the table under an exclusive lock; validate a CHECK (${cmd.name} IS NOT NULL) constraint first`,
      });
    }
  },
};
