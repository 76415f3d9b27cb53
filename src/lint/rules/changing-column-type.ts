import { alterTableCmds, isNewTable } from '../ast';
import type { Rule } from '../rule';

export const rule: Rule = {
  meta: {
    id: 'changing-column-type',
    description: 'column type changed on an existing table',
    severity: 'error',
    sections: ['up'],
    explanation:
      'ALTER COLUMN … TYPE takes an ACCESS EXCLUSIVE lock and, for most type changes, rewrites the whole table and its indexes ' +
      'while reads and writes wait. Code still running against the old type may also break as soon as it commits.',
    fix:
      'Add a new column of the new type, write to both, backfill in batches, switch the readers, then drop the old column in a later migration. ' +
      'Changes PostgreSQL does without a rewrite (varchar(n) to a larger n or to text) can be kept, with a migrate-lens-ignore comment.',
  },
  check(stmt, ctx) {
    const alter = alterTableCmds(stmt);
    if (!alter || isNewTable(stmt, alter.table)) return;
    for (const cmd of alter.cmds) {
      if (cmd.subtype !== 'AT_AlterColumnType') continue;
      ctx.report({
        statement: stmt,
        offset: stmt.at(cmd.def?.ColumnDef?.location),
        message: `changing the type of "${alter.table}"."${cmd.name}" locks the table (often rewriting it) and may break code that still reads the old type`,
      });
    }
  },
};
