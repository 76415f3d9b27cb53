// What differs between two snapshots, in words: a pure function, so every message is unit-tested.
import { OBJECT_KINDS, type ObjectKind, type SchemaObject, type Snapshot } from './snapshot';

/** One difference between the schema before a migration's Up and after its Down. */
export interface SchemaDifference {
  kind: ObjectKind;
  /** The object's name as messages show it (`users.email`, `users_pkey on users`). */
  name: string;
  /** `left`: exists now, did not before; `missing`: existed before, not now; `changed`: a property differs. */
  change: 'left' | 'missing' | 'changed';
  /** The property that differs (`changed` only). */
  property?: string;
  /** In words: "index `users_email_idx` still exists". */
  message: string;
}

/** Properties whose values are whole definitions: a function's (or a long one) is shown as the first line that differs. */
const LONG = new Set(['definition']);
/** Kinds whose objects hang on a table, view or type: not reported when that one is itself added or missing. */
const OWNER_KINDS: readonly ObjectKind[] = ['table', 'view', 'materialized view', 'type', 'sequence'];

/**
 * Every difference between `before` (the schema before a migration's Up) and `after` (after its
 * Down), in the order of OBJECT_KINDS, then by name. A column, constraint, index, trigger, rule or policy
 * of a table that is itself left over or missing is not listed again.
 */
export function diffSnapshots(before: Snapshot, after: Snapshot): SchemaDifference[] {
  const gone = new Set<string>(); // names of owners that exist on one side only
  for (const kind of OWNER_KINDS) {
    for (const name of before[kind].keys()) if (!after[kind].has(name)) gone.add(name);
    for (const name of after[kind].keys()) if (!before[kind].has(name)) gone.add(name);
  }
  const out: SchemaDifference[] = [];
  for (const kind of OBJECT_KINDS) {
    const names = [...new Set([...before[kind].keys(), ...after[kind].keys()])].sort();
    for (const name of names) {
      const was = before[kind].get(name);
      const now = after[kind].get(name);
      if (was?.parent && gone.has(was.parent)) continue;
      if (now?.parent && gone.has(now.parent)) continue;
      if (!was) out.push({ kind, name, change: 'left', message: `${head(kind, now!)} still exists` });
      else if (!now) out.push({ kind, name, change: 'missing', message: `${head(kind, was)} is missing (it existed before the Up)` });
      else out.push(...changes(kind, was, now));
    }
  }
  return out;
}

/** How messages name an object: ``index `users_email_idx` ``, ``statistics object `public.users_stats` ``. */
function head(kind: ObjectKind, object: SchemaObject): string {
  return object.label ?? `${kind} \`${object.name}\``;
}

function changes(kind: ObjectKind, was: SchemaObject, now: SchemaObject): SchemaDifference[] {
  const out: SchemaDifference[] = [];
  const props = [...new Set([...Object.keys(was.props), ...Object.keys(now.props)])];
  for (const property of props) {
    let a = was.props[property] ?? null;
    let b = now.props[property] ?? null;
    if (a === b) continue;
    // Not set: the owner's default privileges (see snapshot.ts).
    if (property === 'privileges') [a, b] = [a ?? 'default', b ?? 'default'];
    const message = kind === 'enum' && property === 'values' ? enumValues(was.name, a, b) : propertyChange(head(kind, was), kind, property, a, b);
    out.push({ kind, name: was.name, change: 'changed', property, message });
  }
  return out;
}

function propertyChange(head: string, kind: ObjectKind, property: string, a: string | null, b: string | null): string {
  if (LONG.has(property) && a !== null && b !== null && (kind === 'function' || oneLine(a).length > 160 || oneLine(b).length > 160)) {
    const line = firstDifferentLine(a, b);
    return `${head}: its ${property} differs at line ${line.number}: \`${line.now}\`, before the Up \`${line.was}\``;
  }
  // A flag (`not null`, `cycle`): its value is its name.
  if (b === null && a === property) return `${head} is no longer ${property} (it was before the Up)`;
  if (a === null && b === property) return `${head} is ${property} now (it was not before the Up)`;
  if (b === null) return `${head}: ${property} ${show(a)} is gone (it was set before the Up)`;
  if (a === null) return `${head}: ${property} ${show(b)} is still set (there was none before the Up)`;
  return `${head}: ${property} is ${show(b)}, before the Up it was ${show(a)}`;
}

function enumValues(name: string, a: string | null, b: string | null): string {
  const was: string[] = a ? JSON.parse(a) : [];
  const now: string[] = b ? JSON.parse(b) : [];
  const left = now.filter((v) => !was.includes(v));
  const missing = was.filter((v) => !now.includes(v));
  const parts: string[] = [];
  if (left.length) parts.push(`value${left.length > 1 ? 's' : ''} ${left.map((v) => `\`${v}\``).join(', ')} still exist${left.length > 1 ? '' : 's'}`);
  if (missing.length) parts.push(`value${missing.length > 1 ? 's' : ''} ${missing.map((v) => `\`${v}\``).join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing`);
  if (!parts.length) parts.push(`its values are in another order: ${now.join(', ')}; before the Up: ${was.join(', ')}`);
  return `enum \`${name}\`: ${parts.join('; ')}`;
}

function show(value: string | null): string {
  if (value === null) return 'none';
  const one = oneLine(value);
  return `\`${one.length > 160 ? one.slice(0, 157) + '...' : one}\``;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The first line (1-based) where two texts differ, each side trimmed. */
function firstDifferentLine(a: string, b: string): { number: number; was: string; now: string } {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return { number: i + 1, was: (la[i] ?? '(end)').trim(), now: (lb[i] ?? '(end)').trim() };
  }
  return { number: 1, was: a.trim(), now: b.trim() };
}
