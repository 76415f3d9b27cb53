// PostgreSQL's own grammar (libpg_query compiled to WebAssembly). Loaded on first use only: the
// migration runner never needs it, and the module plus its 1 MB of WebAssembly cost ~15 ms to start.

export type Node = Record<string, any>;

export interface ParsedStatement {
  /** The node's type, e.g. "IndexStmt", and its body. */
  kind: string;
  node: Node;
  /** Byte offset and length of the statement inside the parsed text (libpg_query reports bytes). */
  byteStart: number;
  byteLength: number | null;
}

export class SqlSyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based position of the error inside the parsed text in characters (code points), or -1. */
    readonly position: number,
  ) {
    super(message);
  }
}

interface LibPgQuery {
  loadModule(): Promise<void>;
  parseSync(sql: string): { stmts?: { stmt: Node; stmt_location?: number; stmt_len?: number }[] };
}

let lib: LibPgQuery | null = null;
let loading: Promise<void> | null = null;

/** Loads the WebAssembly parser once; later calls return at once. */
export function loadPgParser(): Promise<void> {
  if (lib) return Promise.resolve();
  loading ??= (async () => {
    const mod = require('libpg-query') as LibPgQuery;
    await mod.loadModule();
    lib = mod;
  })();
  return loading;
}

export function pgParserLoaded(): boolean {
  return lib !== null;
}

/** Parses SQL text that may hold several statements. Throws SqlSyntaxError. */
export function parseSql(sql: string): ParsedStatement[] {
  if (!lib) throw new Error('the SQL parser is not loaded: await loadPgParser() first');
  let result;
  try {
    result = lib.parseSync(sql);
  } catch (err) {
    const e = err as Error & { sqlDetails?: { cursorPosition?: number } };
    const pos = e.sqlDetails?.cursorPosition;
    throw new SqlSyntaxError(e.message, typeof pos === 'number' ? pos : -1);
  }
  return (result.stmts ?? []).map((s) => {
    const kind = Object.keys(s.stmt)[0];
    return { kind, node: s.stmt[kind] as Node, byteStart: s.stmt_location ?? 0, byteLength: s.stmt_len ?? null };
  });
}
