// Small readers over libpg_query's JSON parse trees, shared by the rules.
import type { LintStatement, Node } from './migration';
import { relName } from './migration';

export interface AlterCmd {
  subtype: string;
  name?: string;
  def?: Node;
  missing_ok?: boolean;
}

/** `ALTER TABLE` commands with the table they change (objtype TABLE only). */
export function alterTableCmds(stmt: LintStatement): { table: string; relation: Node; cmds: AlterCmd[] } | null {
  if (stmt.kind !== 'AlterTableStmt' || stmt.node.objtype !== 'OBJECT_TABLE') return null;
  const cmds = ((stmt.node.cmds ?? []) as Node[]).map((c) => c.AlterTableCmd as AlterCmd).filter(Boolean);
  return { table: relName(stmt.node.relation), relation: stmt.node.relation, cmds };
}

/** The table an ALTER/CREATE INDEX/RENAME statement works on was created earlier in this section. */
export function isNewTable(stmt: LintStatement, table: string): boolean {
  return stmt.createdBefore.has(table);
}

/** Constraints of a column definition by contype. */
export function columnConstraints(columnDef: Node | undefined): Node[] {
  return ((columnDef?.constraints ?? []) as Node[]).map((c) => c.Constraint as Node).filter(Boolean);
}

/** Names of every function called anywhere inside an expression tree (lower case, last name part). */
export function calledFunctions(expr: unknown, out: string[] = []): string[] {
  if (Array.isArray(expr)) {
    for (const e of expr) calledFunctions(e, out);
  } else if (expr && typeof expr === 'object') {
    const o = expr as Node;
    if (o.FuncCall) {
      const parts = (o.FuncCall.funcname ?? []) as Node[];
      const last = parts[parts.length - 1]?.String?.sval;
      if (last) out.push(String(last).toLowerCase());
    }
    for (const v of Object.values(o)) if (v && typeof v === 'object') calledFunctions(v, out);
  }
  return out;
}

/** Dotted name of a DropStmt object (`schema.name` as written). */
export function droppedName(object: Node): string {
  const items = (object?.List?.items ?? []) as Node[];
  return items.map((i) => i.String?.sval ?? '').join('.');
}

/** The file offset just after a keyword sequence at the statement's start, e.g. /^create\s+index/i. */
export function afterPrefix(stmt: LintStatement, pattern: RegExp): number | null {
  const m = pattern.exec(stmt.sql);
  return m && m.index === 0 ? stmt.offset + m[0].length : null;
}

/** A quoted SQL identifier when it needs quotes. */
export function ident(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
