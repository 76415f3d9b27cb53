import { alterTableCmds, calledFunctions, columnConstraints, isNewTable } from '../ast';
import type { Rule } from '../rule';

/** Functions PostgreSQL marks volatile that migrations use as defaults; now() and friends are stable. */
const VOLATILE = new Set([
  'random',
  'clock_timestamp',
  'timeofday',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'uuidv4',
  'uuidv7',
  'nextval',
  'txid_current',
  'setseed',
]);

export const rule: Rule = {
  meta: {
    id: 'volatile-default',
    description: 'column with a volatile default added to an existing table',
    severity: 'error',
    sections: ['up'],
    explanation:
      'Since PostgreSQL 11 a column added with a constant or stable default (0, now()) is stored as metadata at once. A volatile default ' +
      '(random(), gen_random_uuid(), clock_timestamp(), nextval(), and so serial and identity columns) must be computed per row, so the table is rewritten under an ' +
      'ACCESS EXCLUSIVE lock that blocks reads and writes until it is done.',
    fix: 'Add the column without a default (or with a constant one), set the volatile default with ALTER COLUMN … SET DEFAULT, and backfill the existing rows in batches.',
  },
  check(stmt, ctx) {
    const alter = alterTableCmds(stmt);
    if (!alter || isNewTable(stmt, alter.table)) return;
    for (const cmd of alter.cmds) {
      if (cmd.subtype !== 'AT_AddColumn') continue;
      const col = cmd.def?.ColumnDef;
      const def = columnConstraints(col).find((c) => c.contype === 'CONSTR_DEFAULT');
      // An identity column is filled from its sequence row by row, like serial: nextval() in disguise.
      const identity = columnConstraints(col).find((c) => c.contype === 'CONSTR_IDENTITY');
      const volatile = calledFunctions(def?.raw_expr).find((f) => VOLATILE.has(f));
      const serial = /^(small|big)?serial[248]?$/i.test(String(col?.typeName?.names?.at(-1)?.String?.sval ?? ''));
      if (!volatile && !serial && !identity) continue;
      const what = volatile ? `${volatile}()` : serial ? 'serial' : 'identity';
      ctx.report({
        statement: stmt,
        offset: stmt.at((volatile ? def : identity)?.location ?? col?.location),
        message: `column "${col?.colname}" is added to "${alter.table}" with a volatile default (${what}), which rewrites the table under an exclusive lock`,
      });
    }
  },
};
