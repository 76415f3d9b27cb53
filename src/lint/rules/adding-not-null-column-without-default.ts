import { alterTableCmds, columnConstraints, isNewTable } from '../ast';
import type { Rule } from '../rule';

export const rule: Rule = {
  meta: {
    id: 'adding-not-null-column-without-default',
    description: 'NOT NULL column added to an existing table without a default',
    severity: 'error',
    sections: ['up'],
    explanation:
      'Adding a NOT NULL column without a DEFAULT fails as soon as the table holds a row: every existing row would get NULL. ' +
      'It passes on an empty development database and breaks on production.',
    fix:
      'Give the column a constant DEFAULT (PostgreSQL 11+ stores it without rewriting the table), or add it nullable, ' +
      'backfill it in batches, then add the NOT NULL in a later migration.',
  },
  check(stmt, ctx) {
    const alter = alterTableCmds(stmt);
    if (!alter || isNewTable(stmt, alter.table)) return;
    for (const cmd of alter.cmds) {
      if (cmd.subtype !== 'AT_AddColumn') continue;
      const col = cmd.def?.ColumnDef;
      const cons = columnConstraints(col);
      const notNull = cons.find((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
      const hasDefault = cons.some((c) => c.contype === 'CONSTR_DEFAULT' || c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED');
      const serial = /^(small|big)?serial[248]?$/i.test(String(col?.typeName?.names?.at(-1)?.String?.sval ?? ''));
      if (notNull && !hasDefault && !serial) {
        ctx.report({
          statement: stmt,
          offset: stmt.at(col?.location),
          message: `column "${col?.colname}" is added to "${alter.table}" as NOT NULL without a default; this fails on a table that has rows`,
        });
      }
    }
  },
};
