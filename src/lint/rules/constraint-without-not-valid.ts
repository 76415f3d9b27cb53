import { alterTableCmds, ident, isNewTable } from '../ast';
import { insert, notransactionEdit } from '../fixes';
import type { Edit, Rule } from '../rule';

export const rule: Rule = {
  meta: {
    id: 'constraint-without-not-valid',
    description: 'foreign key or check constraint added to an existing table without NOT VALID',
    severity: 'error',
    sections: ['up'],
    explanation:
      'ADD CONSTRAINT … FOREIGN KEY or CHECK scans the whole table to validate every row while holding a lock that blocks writes ' +
      '(a foreign key also locks the referenced table). With NOT VALID the constraint is added at once and enforced for new rows; ' +
      'VALIDATE CONSTRAINT then checks the old rows under a lock that lets reads and writes go on.',
    fix:
      'Add the constraint with NOT VALID, then run ALTER TABLE … VALIDATE CONSTRAINT name outside that transaction ' +
      '(a later migration, or the same one marked `notransaction`).',
  },
  check(stmt, ctx) {
    const alter = alterTableCmds(stmt);
    if (!alter || isNewTable(stmt, alter.table)) return;
    for (const cmd of alter.cmds) {
      if (cmd.subtype !== 'AT_AddConstraint') continue;
      const c = cmd.def?.Constraint;
      if (!c || (c.contype !== 'CONSTR_FOREIGN' && c.contype !== 'CONSTR_CHECK') || c.skip_validation) continue;
      const kind = c.contype === 'CONSTR_FOREIGN' ? 'foreign key' : 'check constraint';
      let fix;
      if (c.conname && alter.cmds.length === 1) {
        const edits: Edit[] = [
          insert(stmt.end, ` NOT VALID;\nALTER TABLE ${alter.relation.schemaname ? ident(alter.relation.schemaname) + '.' : ''}${ident(alter.table)} VALIDATE CONSTRAINT ${ident(c.conname)}`),
        ];
        const nt = notransactionEdit(ctx.migration, stmt.section);
        if (nt) edits.push(nt);
        fix = { title: `Add NOT VALID and a VALIDATE CONSTRAINT${nt ? ' (notransaction)' : ''}`, edits };
      }
      ctx.report({
        statement: stmt,
        offset: stmt.at(c.location),
        message: `${kind}${c.conname ? ` "${c.conname}"` : ''} added to existing table "${alter.table}" without NOT VALID scans it under a lock that blocks writes`,
        fix,
      });
    }
  },
};
