import { alterTableCmds, forEachNode } from '../ast';
import { relName, type LintStatement, type Node } from '../migration';
import type { Rule } from '../rule';

const TABLE_PARTS = new Set(['OBJECT_COLUMN', 'OBJECT_TABCONSTRAINT', 'OBJECT_TRIGGER', 'OBJECT_POLICY', 'OBJECT_RULE']);

/**
 * The tables a statement is about: its target plus the tables it references (foreign keys).
 * `indexTables` maps the indexes created so far in the migration to their tables.
 */
function tablesOf(stmt: LintStatement, indexTables: Map<string, string>): string[] {
  const n = stmt.node;
  switch (stmt.kind) {
    case 'CreateStmt':
      return [relName(n.relation), ...referencedTables(n.tableElts)];
    case 'AlterTableStmt': {
      const a = alterTableCmds(stmt);
      return a ? [a.table, ...referencedTables(n.cmds)] : [];
    }
    case 'RenameStmt':
      // A renamed table is one table under two names (rename-and-replace is one change).
      if (n.renameType === 'OBJECT_TABLE') return [relName(n.relation), String(n.newname ?? '')];
      // A renamed index: its table, when this migration created the index (else no table is known).
      if (n.renameType === 'OBJECT_INDEX') {
        const table = indexTables.get(relName(n.relation));
        if (table) indexTables.set(String(n.newname ?? ''), table);
        return table ? [table] : [];
      }
      // Renames of a table's parts name the table; of a view or a sequence, no table.
      return n.relation && TABLE_PARTS.has(String(n.renameType)) ? [relName(n.relation)] : [];
    // A table filled from others is one change with them (a split, a merge, a copy).
    case 'InsertStmt':
      return n.relation ? [relName(n.relation), ...tablesRead(n.withClause, n.selectStmt)] : [];
    case 'UpdateStmt':
      return n.relation ? [relName(n.relation), ...tablesRead(n.withClause, n.fromClause)] : [];
    case 'DeleteStmt':
      return n.relation ? [relName(n.relation), ...tablesRead(n.withClause, n.usingClause)] : [];
    case 'CreateTableAsStmt':
      return [relName(n.into?.rel), ...tablesRead(n.query)];
    case 'SelectStmt':
      return n.intoClause ? [relName(n.intoClause.rel), ...tablesRead(n.withClause, n.fromClause)] : [];
    case 'IndexStmt':
      if (n.idxname && n.relation) indexTables.set(String(n.idxname), relName(n.relation));
      return n.relation ? [relName(n.relation)] : [];
    case 'CreateTrigStmt':
      return n.relation ? [relName(n.relation)] : [];
    case 'DropStmt':
      if (n.removeType === 'OBJECT_TABLE') return ((n.objects ?? []) as { List?: { items?: { String?: { sval?: string } }[] } }[]).map((o) => String(o.List?.items?.at(-1)?.String?.sval ?? ''));
      return [];
    default:
      return [];
  }
}

/** Names of the tables (RangeVar) a query tree reads, without the names of its WITH queries. */
function tablesRead(...trees: unknown[]): string[] {
  const names: string[] = [];
  const ctes = new Set<string>();
  forEachNode(trees, (o) => {
    if (o.RangeVar) names.push(relName(o.RangeVar));
    if (o.CommonTableExpr?.ctename) ctes.add(String(o.CommonTableExpr.ctename));
  });
  return names.filter((n) => !ctes.has(n));
}

/** Tables that foreign keys point to, among CREATE TABLE elements or ALTER TABLE commands. */
function referencedTables(items: Node[] | undefined): string[] {
  const out: string[] = [];
  const add = (constraint: Node | undefined) => {
    if (constraint?.pktable) out.push(relName(constraint.pktable));
  };
  for (const item of items ?? []) {
    const def: Node | undefined = item.AlterTableCmd ? item.AlterTableCmd.def : item;
    add(def?.Constraint);
    for (const c of (def?.ColumnDef?.constraints ?? []) as Node[]) add(c.Constraint);
  }
  return out;
}

export const rule: Rule = {
  meta: {
    id: 'one-change-per-migration',
    description: 'several unrelated changes in one migration',
    severity: 'warning',
    sections: ['up'],
    explanation:
      'A migration that changes several unrelated tables cannot be rolled back, retried or reviewed one change at a time: ' +
      'when one part fails or must be undone, the others go with it, and the locks of all of them are held together until it commits.',
    fix: 'Split it: one migration per table (a table, the tables its foreign keys reference, its old name and the tables it is filled from count as one change).',
  },
  check() {},
  checkMigration(ctx) {
    const up = ctx.migration.up;
    if (!up) return;
    // Union-find over tables: statements that share a table are one change.
    const parent = new Map<string, string>();
    const find = (t: string): string => {
      let p = parent.get(t) ?? t;
      if (p !== t) p = find(p);
      parent.set(t, p);
      return p;
    };
    const firstStatement = new Map<string, LintStatement>();
    const indexTables = new Map<string, string>();
    for (const stmt of up.statements) {
      const tables = tablesOf(stmt, indexTables).filter(Boolean);
      for (const t of tables) {
        if (!parent.has(t)) parent.set(t, t);
        if (!firstStatement.has(t)) firstStatement.set(t, stmt);
      }
      for (const t of tables.slice(1)) parent.set(find(t), find(tables[0]));
    }
    const groups = new Map<string, string[]>();
    for (const t of parent.keys()) {
      const root = find(t);
      const group = groups.get(root);
      if (group) group.push(t);
      else groups.set(root, [t]);
    }
    if (groups.size < 2) return;
    const list = [...groups.values()].map((g) => g.join('+'));
    const second = [...groups.values()][1][0];
    ctx.report({
      statement: firstStatement.get(second)!,
      message: `this migration changes ${groups.size} unrelated tables (${list.join(', ')}); one change per migration keeps each reversible on its own`,
    });
  },
};
