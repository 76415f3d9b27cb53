// The words verify uses for what a Down left different, from snapshots built by hand.
import { describe, expect, it } from 'vitest';
import { diffSnapshots, emptySnapshot, snapshotFromRow, type ObjectKind, type Snapshot } from '../../../src/engine/verify';

type Objects = Partial<Record<ObjectKind, { name: string; parent?: string; props?: Record<string, string | null> }[]>>;

function snap(objects: Objects): Snapshot {
  const s = emptySnapshot();
  for (const [kind, list] of Object.entries(objects) as [ObjectKind, NonNullable<Objects[ObjectKind]>][]) {
    for (const o of list) s[kind].set(o.name, { name: o.name, ...(o.parent ? { parent: o.parent } : {}), props: o.props ?? {} });
  }
  return s;
}

const users = { table: [{ name: 'users', props: { kind: 'table' } }], column: [{ name: 'users.email', parent: 'users', props: { type: 'text', default: "''::text" } }] };

describe('diffSnapshots', () => {
  it('nothing when the schemas are the same', () => {
    expect(diffSnapshots(snap(users), snap(users))).toEqual([]);
  });

  it('an object the Down left behind, and one it dropped that existed before', () => {
    const after = snap({ ...users, index: [{ name: 'users_email_idx', parent: 'users', props: { definition: 'CREATE INDEX ...' } }], table: [] });
    const d = diffSnapshots(snap({ ...users, index: [] }), { ...after, table: snap(users).table, column: new Map() });
    expect(d).toEqual([
      { kind: 'column', name: 'users.email', change: 'missing', message: 'column `users.email` is missing (it existed before the Up)' },
      { kind: 'index', name: 'users_email_idx', change: 'left', message: 'index `users_email_idx` still exists' },
    ]);
  });

  it("a table's columns, constraints and indexes are not listed again when the table itself differs", () => {
    const before = snap({});
    const after = snap({
      table: [{ name: 'audit' }],
      column: [{ name: 'audit.id', parent: 'audit' }],
      constraint: [{ name: 'audit_pkey on audit', parent: 'audit' }],
      index: [{ name: 'audit_at_idx', parent: 'audit' }],
      sequence: [{ name: 'audit_id_seq' }],
    });
    expect(diffSnapshots(before, after).map((x) => x.message)).toEqual(['table `audit` still exists', 'sequence `audit_id_seq` still exists']);
  });

  it('a property gone, one newly set, one changed', () => {
    const before = snap({ column: [{ name: 'users.email', props: { type: 'text', default: "''::text", 'not null': null } }] });
    const after = snap({ column: [{ name: 'users.email', props: { type: 'character varying(200)', default: null, 'not null': 'not null' } }] });
    expect(diffSnapshots(before, after).map((x) => x.message)).toEqual([
      'column `users.email`: type is `character varying(200)`, before the Up it was `text`',
      "column `users.email`: default `''::text` is gone (it was set before the Up)",
      'column `users.email` is not null now (it was not before the Up)',
    ]);
  });

  it("privileges not set are the owner's default, and said so", () => {
    const t = (privileges: string | null) => snap({ table: [{ name: 'users', props: { privileges } }] });
    expect(diffSnapshots(t(null), t('=r/app, app=arwdDxt/app'))[0].message).toBe('table `users`: privileges is `=r/app, app=arwdDxt/app`, before the Up it was `default`');
    expect(diffSnapshots(t('none'), t(null))[0].message).toBe('table `users`: privileges is `default`, before the Up it was `none`');
  });

  it('enum values left, missing, reordered', () => {
    const e = (values: string[]) => snap({ enum: [{ name: 'mood', props: { values: JSON.stringify(values) } }] });
    expect(diffSnapshots(e(['sad', 'ok']), e(['sad', 'ok', 'happy']))[0].message).toBe('enum `mood`: value `happy` still exists');
    expect(diffSnapshots(e(['sad', 'ok', 'meh']), e(['sad']))[0].message).toBe('enum `mood`: values `ok`, `meh` are missing');
    expect(diffSnapshots(e(['sad', 'ok']), e(['ok', 'sad']))[0].message).toBe('enum `mood`: its values are in another order: ok, sad; before the Up: sad, ok');
  });

  it("a function's definition: the first line that differs; a short view's: both whole", () => {
    const f = (body: string) => snap({ function: [{ name: 'touch()', props: { definition: `CREATE OR REPLACE FUNCTION public.touch()\n RETURNS trigger\nAS $function$\n${body}\n$function$\n` } }] });
    expect(diffSnapshots(f('BEGIN RETURN NEW; END;'), f('BEGIN RETURN OLD; END;'))[0].message).toBe(
      'function `touch()`: its definition differs at line 4: `BEGIN RETURN OLD; END;`, before the Up `BEGIN RETURN NEW; END;`',
    );
    const v = (def: string) => snap({ view: [{ name: 'v', props: { definition: def } }] });
    expect(diffSnapshots(v(' SELECT id\n   FROM users;'), v(' SELECT id,\n    email\n   FROM users;'))[0].message).toBe(
      'view `v`: definition is `SELECT id, email FROM users;`, before the Up it was `SELECT id FROM users;`',
    );
  });

  it('reports kinds in a fixed order, names sorted', () => {
    const after = snap({ trigger: [{ name: 't on a' }], extension: [{ name: 'pgcrypto' }], index: [{ name: 'b_idx' }, { name: 'a_idx' }] });
    expect(diffSnapshots(snap({}), after).map((x) => `${x.kind} ${x.name}`)).toEqual(['extension pgcrypto', 'index a_idx', 'index b_idx', 'trigger t on a']);
  });
});

describe('other objects, named in PostgreSQL\'s words', () => {
  it('reads a label from the object type and identity, and says it in every message', () => {
    const row = (definition: string) => ({ others: [{ name: 'statistics object public.st', object_type: 'statistics object', identity: 'public.st', definition }] });
    const s = snapshotFromRow(row('CREATE STATISTICS public.st ON a, b FROM t'));
    expect(s.object.get('statistics object public.st')).toEqual({ name: 'statistics object public.st', label: 'statistics object `public.st`', props: { definition: 'CREATE STATISTICS public.st ON a, b FROM t' } });
    expect(diffSnapshots(emptySnapshot(), s).map((d) => [d.kind, d.name, d.message])).toEqual([['object', 'statistics object public.st', 'statistics object `public.st` still exists']]);
    expect(diffSnapshots(s, emptySnapshot())[0].message).toBe('statistics object `public.st` is missing (it existed before the Up)');
    expect(diffSnapshots(s, snapshotFromRow(row('CREATE STATISTICS public.st ON a FROM t')))[0].message).toBe(
      'statistics object `public.st`: definition is `CREATE STATISTICS public.st ON a FROM t`, before the Up it was `CREATE STATISTICS public.st ON a, b FROM t`',
    );
  });
});

describe('snapshotFromRow', () => {
  it('reads the JSON arrays of the catalog query, views and materialized views apart', () => {
    const s = snapshotFromRow({
      tables: JSON.stringify([{ name: 'users', kind: 'table', persistence: null }]),
      columns: [{ name: 'users.id', parent: 'users', type: 'bigint', 'not null': 'not null' }],
      views: [
        { name: 'v', relkind: 'v', definition: 'SELECT 1' },
        { name: 'mv', relkind: 'm', definition: 'SELECT 2' },
      ],
    });
    expect(s.table.get('users')).toEqual({ name: 'users', props: { kind: 'table', persistence: null } });
    expect(s.column.get('users.id')).toEqual({ name: 'users.id', parent: 'users', props: { type: 'bigint', 'not null': 'not null' } });
    expect([...s.view.keys()]).toEqual(['v']);
    expect([...s['materialized view'].keys()]).toEqual(['mv']);
  });
});
