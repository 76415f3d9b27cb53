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

/**
 * Calls `visit` on every object node of a parse tree. Iterative: PostgreSQL accepts expressions
 * nested thousands of calls deep, and a recursive walk overflowed the stack on them.
 */
export function forEachNode(tree: unknown, visit: (node: Node) => void): void {
  const stack: unknown[] = [tree];
  while (stack.length) {
    const t = stack.pop();
    if (Array.isArray(t)) {
      for (let i = t.length - 1; i >= 0; i--) stack.push(t[i]);
    } else if (t && typeof t === 'object') {
      visit(t as Node);
      const values = Object.values(t as Node);
      for (let i = values.length - 1; i >= 0; i--) if (values[i] && typeof values[i] === 'object') stack.push(values[i]);
    }
  }
}

/** Names of every function called anywhere inside an expression tree (lower case, last name part). */
export function calledFunctions(expr: unknown): string[] {
  const out: string[] = [];
  forEachNode(expr, (o) => {
    if (!o.FuncCall) return;
    const parts = (o.FuncCall.funcname ?? []) as Node[];
    const last = parts[parts.length - 1]?.String?.sval;
    if (last) out.push(String(last).toLowerCase());
  });
  return out;
}

/** Every string (`sval`) anywhere in a tree: column names, and also constants and function names. */
export function stringsIn(tree: unknown): Set<string> {
  const out = new Set<string>();
  forEachNode(tree, (o) => {
    if (typeof o.sval === 'string') out.add(o.sval);
  });
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
