// What the Migrations view says when the database holds another tool's history and none of ours
// (plain data; the command is src/extension/commands/adopt.ts).

export interface ForeignFound {
  tool: string;
  table: string;
  schema: string;
}

/** The offer for one database: which tool, and whether our table's name is in the way. */
export interface AdoptOffer {
  tool: string;
  table: string;
  /** Our tracking table has the same name as theirs: it needs another before adopting. */
  clash: boolean;
}

/**
 * The offer, when our history is empty (no rows) and another tool's table is there. The first tool
 * found wins; sql-migrate and goose before the two that share `schema_migrations`.
 */
export function adoptOffer(found: readonly ForeignFound[], ourRows: number, ourTable: string, ourSchema: string): AdoptOffer | null {
  if (ourRows > 0 || found.length === 0) return null;
  const order = ['sql-migrate', 'goose', 'dbmate', 'golang-migrate'];
  const first = [...found].sort((a, b) => order.indexOf(a.tool) - order.indexOf(b.tool))[0];
  return { tool: first.tool, table: first.table, clash: first.table === ourTable && first.schema === ourSchema };
}

/** The line above the tree. */
export function adoptOfferMessage(offer: AdoptOffer): string {
  if (offer.clash) {
    return (
      `This database holds ${offer.tool}'s history in ${offer.table}, the table name Migrate Lens is set to use. ` +
      `Set "migrateLens.table" to another name (e.g. migrate_lens_migrations), then use "Adopt History from ${offer.tool}" (title bar).`
    );
  }
  return `This database holds ${offer.tool}'s history (${offer.table}) and none of Migrate Lens's: use "Adopt History from ${offer.tool}" (title bar) instead of running everything again.`;
}
