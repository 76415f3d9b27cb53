import { describe, expect, it } from 'vitest';
import { foreignTableMessage, foreignTool, OUR_TABLE_COMMENT, tableOwner, type ColumnInfo } from '../../src/engine/foreign-tables';

const cols = (spec: Record<string, string>): ColumnInfo[] => Object.entries(spec).map(([name, type]) => ({ name, type }));

describe('foreign tracking tables: columns → tool', () => {
  it.each([
    ['golang-migrate', { version: 'bigint', dirty: 'boolean' }, []],
    ['goose', { id: 'integer', version_id: 'bigint', is_applied: 'boolean', tstamp: 'timestamp without time zone' }, []],
    ['dbmate or Rails (Active Record)', { version: 'character varying(128)' }, []],
    ['dbmate or Rails (Active Record)', { version: 'character varying' }, ['users']],
    ['Rails (Active Record)', { version: 'character varying' }, ['ar_internal_metadata', 'users']],
    ['Ecto', { version: 'bigint', inserted_at: 'timestamp(0) without time zone' }, []],
    ['Diesel', { version: 'character varying(50)', run_on: 'timestamp without time zone' }, []],
    ['sql-migrate', { id: 'text', applied_at: 'timestamp with time zone' }, []],
    ['Flyway', { installed_rank: 'integer', version: 'character varying(50)', description: 'character varying(200)', type: 'character varying(20)', script: 'character varying(1000)', checksum: 'integer', installed_by: 'character varying(100)', installed_on: 'timestamp without time zone', execution_time: 'integer', success: 'boolean' }, []],
    ['knex', { id: 'integer', name: 'character varying(255)', batch: 'integer', migration_time: 'timestamp with time zone' }, []],
    ['node-pg-migrate', { id: 'integer', name: 'character varying(255)', run_on: 'timestamp without time zone' }, []],
    ['postgres-migrations', { id: 'integer', name: 'character varying(100)', hash: 'character varying(40)', executed_at: 'timestamp without time zone' }, []],
    ['Prisma', { id: 'character varying(36)', checksum: 'character varying(64)', finished_at: 'timestamp with time zone', migration_name: 'character varying(255)', logs: 'text', rolled_back_at: 'timestamp with time zone', started_at: 'timestamp with time zone', applied_steps_count: 'integer' }, []],
    ['Alembic', { version_num: 'character varying(32)' }, []],
  ] as const)('%s', (tool, spec, siblings) => {
    expect(foreignTool(cols(spec), siblings)).toBe(tool);
    expect(tableOwner(cols(spec), null, siblings)).toEqual({ kind: 'foreign', tool });
  });

  it('knows its own table by the comment, and an older one of its own by its first columns', () => {
    expect(tableOwner(cols({ version: 'bigint', dirty: 'boolean' }), OUR_TABLE_COMMENT)).toEqual({ kind: 'ours' });
    expect(tableOwner(cols({ version: 'bigint', name: 'text', checksum: 'text', status: 'text', applied_at: 'timestamp with time zone' }), null)).toEqual({ kind: 'ours' });
    expect(foreignTool(cols({ version: 'bigint', name: 'text', checksum: 'text', status: 'text' }))).toBeNull();
  });

  it('calls an unknown shape foreign without naming a tool', () => {
    expect(tableOwner(cols({ version: 'text', name: 'text', checksum: 'text', status: 'text' }), null)).toEqual({ kind: 'foreign', tool: null });
    expect(tableOwner(cols({ a: 'integer' }), 'some other comment')).toEqual({ kind: 'foreign', tool: null });
    expect(foreignTool(cols({ version: 'bigint', dirty: 'boolean', extra: 'text' }))).toBeNull();
  });

  it('the refusal names the tool and both ways forward', () => {
    const m = foreignTableMessage('public.schema_migrations', 'golang-migrate');
    expect(m).toContain('public.schema_migrations was made by golang-migrate');
    expect(m).toContain('-table NAME');
    expect(m).toContain('adopt');
    expect(foreignTableMessage('x.y', null)).toContain('was not made by migrate-lens');
  });
});
