import { alterTableCmds, isNewTable, stringsIn } from '../ast';
import type { LintSection, LintStatement } from '../migration';
import type { Rule, RuleContext } from '../rule';

/** Per table of a section: where it first validates a constraint, and its validated checks (statement, names in its expression). */
type Validations = Map<string, { validateAt: number; checks: { index: number; names: Set<string> }[] }>;

// Read once per section: a 5,000-statement migration rescanned every earlier statement at each SET NOT NULL (10 s).
const validationsBySection = new WeakMap<LintSection, Validations>();

function validationsOf(section: LintSection): Validations {
  let found = validationsBySection.get(section);
  if (found) return found;
  found = new Map();
  for (const s of section.statements) {
    const alter = alterTableCmds(s);
    if (!alter) continue;
    for (const cmd of alter.cmds) {
      const c = cmd.def?.Constraint;
      const validate = cmd.subtype === 'AT_ValidateConstraint';
      const check = cmd.subtype === 'AT_AddConstraint' && c?.contype === 'CONSTR_CHECK' && !c.skip_validation;
      if (!validate && !check) continue;
      let table = found.get(alter.table);
      if (!table) found.set(alter.table, (table = { validateAt: Infinity, checks: [] }));
      if (validate) table.validateAt = Math.min(table.validateAt, s.index);
      else table.checks.push({ index: s.index, names: stringsIn(c.raw_expr) });
    }
  }
  validationsBySection.set(section, found);
  return found;
}

/** An earlier statement of the section validates a check on this table (ADD … CHECK … valid, or VALIDATE CONSTRAINT). */
function validatedCheckBefore(stmt: LintStatement, ctx: RuleContext, table: string, column: string): boolean {
  const section = stmt.section === 'up' ? ctx.migration.up : ctx.migration.down;
  const t = section && validationsOf(section).get(table);
  if (!t) return false;
  return t.validateAt < stmt.index || t.checks.some((c) => c.index < stmt.index && c.names.has(column));
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
