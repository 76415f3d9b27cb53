import { userInfo } from 'node:os';
import { UnknownVersionError } from './errors';
import type { History } from './history';
import { isApplied } from './plan';
import type { StatusEntry } from './types';

// Recovery: the hand-written SQL of old, as checked commands. Each runs under the migrator's lock,
// on the entries it read there.

/** Records a migration as applied without running it (its changes were made some other way). */
export async function markApplied(history: History, entries: StatusEntry[], version: string, batch: number): Promise<void> {
  const e = entry(entries, version);
  if (!e.migration) throw new UnknownVersionError(version, 'no file or code migration with this version');
  if (isApplied(e)) throw new UnknownVersionError(version, 'already applied');
  const m = e.migration;
  await history.insert({
    version, name: m.name, checksum: m.checksum, batch, script: m.text ?? null, kind: m.kind,
    noTransaction: !!m.parsed?.up.noTransaction, status: 'applied', note: `marked applied without running by ${who()} at ${now()}`,
  });
}

/** Records an applied migration as rolled back without running its Down. */
export async function markRolledBack(history: History, entries: StatusEntry[], version: string): Promise<void> {
  const e = entry(entries, version);
  if (!isApplied(e) && e.status !== 'partial') throw new UnknownVersionError(version, `not applied (status: ${e.status})`);
  await history.update(version, { status: 'rollback', note: `marked rolled back without running by ${who()} at ${now()}` });
}

/** Deletes the record of a failed (or rolled back) migration, so that it is simply pending again. */
export async function forget(history: History, entries: StatusEntry[], version: string): Promise<void> {
  const e = entry(entries, version);
  if (!e.row) throw new UnknownVersionError(version, 'has no record to forget');
  if (isApplied(e)) throw new UnknownVersionError(version, `is applied; roll it back or "mark-rolled-back" instead of forgetting it`);
  await history.delete(version);
}

/** Takes the file as it is now as the applied one, keeping who accepted it and when. */
export async function acceptChecksum(history: History, entries: StatusEntry[], version: string, by = who()): Promise<void> {
  const e = entry(entries, version);
  if (e.status !== 'drifted' || !e.migration || !e.row) throw new UnknownVersionError(version, `is not drifted (status: ${e.status})`);
  await history.update(version, {
    checksum: e.migration.checksum,
    script: e.migration.text ?? null,
    note: `checksum accepted by ${by} at ${now()} (was ${e.row.checksum.slice(0, 12)})`,
  });
}

function entry(entries: StatusEntry[], version: string): StatusEntry {
  const e = entries.find((x) => x.version === version);
  if (!e) throw new UnknownVersionError(version);
  return e;
}

export function who(): string {
  try {
    return process.env.USER || userInfo().username;
  } catch {
    return 'unknown user';
  }
}

function now(): string {
  return new Date().toISOString();
}
