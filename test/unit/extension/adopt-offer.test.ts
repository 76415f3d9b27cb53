// The Migrations view's offer to adopt another tool's history: when, which tool, and what it says.
import { describe, expect, it } from 'vitest';
import { adoptOffer, adoptOfferMessage } from '../../../src/extension/model/adopt-offer';

describe('adopt offer', () => {
  it('is made only while our history is empty and another tool\'s table is there', () => {
    expect(adoptOffer([], 0, 'schema_migrations', 'public')).toBeNull();
    expect(adoptOffer([{ tool: 'sql-migrate', table: 'gorp_migrations', schema: 'public' }], 3, 'schema_migrations', 'public')).toBeNull();
    const offer = adoptOffer([{ tool: 'sql-migrate', table: 'gorp_migrations', schema: 'public' }], 0, 'schema_migrations', 'public');
    expect(offer).toEqual({ tool: 'sql-migrate', table: 'gorp_migrations', clash: false });
    expect(adoptOfferMessage(offer!)).toBe(
      'This database holds sql-migrate\'s history (gorp_migrations) and none of Migrate Lens\'s: use "Adopt History from sql-migrate" (title bar) instead of running everything again.',
    );
  });

  it('names the table clash of dbmate and golang-migrate, and prefers the tools with their own table names', () => {
    const found = [
      { tool: 'dbmate', table: 'schema_migrations', schema: 'public' },
      { tool: 'goose', table: 'goose_db_version', schema: 'public' },
    ];
    expect(adoptOffer(found, 0, 'schema_migrations', 'public')).toEqual({ tool: 'goose', table: 'goose_db_version', clash: false });
    const clash = adoptOffer([found[0]], 0, 'schema_migrations', 'public')!;
    expect(clash.clash).toBe(true);
    expect(adoptOfferMessage(clash)).toContain('Set "migrateLens.table" to another name');
    expect(adoptOffer([found[0]], 0, 'ml_history', 'public')!.clash).toBe(false);
  });
});
