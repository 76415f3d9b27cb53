// Up, Down, Reset, Refresh and the per-migration runs (CodeLens, tree items).
import type { DownOptions } from '../../engine/plan';
import type { RunResult } from '../../engine/types';
import type { Controller } from '../controller';
import type { Folders } from '../folders';
import { describeRun, rollbackList as plannedRollbacks } from '../model/run-summary';
import { runDatabaseAction } from '../runner';
import { chooseEntry, entryLabel, type Target } from './targets';

type Command = (...args: never[]) => Promise<unknown>;

function rollbackList(ctrl: Controller, opts: DownOptions): string {
  return plannedRollbacks(ctrl.model.entries, opts);
}

const applied = (r: RunResult) => describeRun(r, 'up');
const rolledBack = (r: RunResult) => describeRun(r, 'down');

export function up(folders: Folders): Command {
  return async (arg?: unknown) => {
    const ctrl = await folders.choose('Apply pending migrations', arg);
    if (!ctrl) return undefined;
    return runDatabaseAction(ctrl, { title: 'Up', op: (m) => m.up(), summary: applied });
  };
}

export function down(folders: Folders): Command {
  return async (arg?: unknown) => {
    const ctrl = await folders.choose('Roll back the most recent migration', arg);
    if (!ctrl) return undefined;
    await ctrl.refresh();
    return runDatabaseAction(ctrl, {
      title: 'Down',
      confirm: { message: 'Roll back the most recent migration on {db}?', button: 'Roll Back', detail: rollbackList(ctrl, {}) },
      op: (m) => m.down(),
      summary: rolledBack,
    });
  };
}

export function reset(folders: Folders): Command {
  return async (arg?: unknown) => {
    const ctrl = await folders.choose('Roll back every migration', arg);
    if (!ctrl) return undefined;
    await ctrl.refresh();
    return runDatabaseAction(ctrl, {
      title: 'Reset',
      confirm: { message: 'Roll back EVERY applied migration on {db}?', button: 'Reset', detail: rollbackList(ctrl, { all: true }) },
      op: (m) => m.reset(),
      summary: rolledBack,
    });
  };
}

export function refresh(folders: Folders): Command {
  return async (arg?: unknown) => {
    const ctrl = await folders.choose('Roll back and re-apply every migration', arg);
    if (!ctrl) return undefined;
    await ctrl.refresh();
    return runDatabaseAction(ctrl, {
      title: 'Refresh',
      confirm: {
        message: 'Roll back every migration on {db}, then apply them all again?',
        button: 'Refresh',
        detail: `${rollbackList(ctrl, { all: true })}\n\nData in the tables they create is lost.`,
      },
      op: (m) => m.refresh(),
      summary: (r) => describeRun(r, 'refresh'),
    });
  };
}

/** CodeLens "Run Up" (args: file path, version) or the palette on the active editor: exactly this migration. */
export function runUp(folders: Folders): Command {
  return async (file?: Target, version?: string) => {
    const target = await chooseEntry(folders, file, ['pending', 'rollback', 'failed'], 'Migration to apply', { version, fromEditor: true });
    if (!target) return undefined;
    const v = target.entry.version;
    return runDatabaseAction(target.ctrl, { title: `Run Up ${v}`, op: (m) => m.up({ only: v }), summary: applied });
  };
}

/** CodeLens "Run Down": exactly this migration, after confirmation. */
export function runDown(folders: Folders): Command {
  return async (file?: Target, version?: string) => {
    const target = await chooseEntry(folders, file, ['applied', 'drifted', 'missing'], 'Migration to roll back', { version, fromEditor: true });
    if (!target) return undefined;
    const { ctrl, entry } = target;
    const v = entry.version;
    return runDatabaseAction(ctrl, {
      title: `Run Down ${v}`,
      confirm: { message: `Roll back ${entryLabel(entry)} on {db}?`, button: 'Roll Back', detail: rollbackList(ctrl, { only: v }) },
      op: (m) => m.down({ only: v }),
      summary: rolledBack,
    });
  };
}

/** Tree item: apply every pending migration up to and including this one. */
export function upTo(folders: Folders): Command {
  return async (arg?: Target) => {
    const target = await chooseEntry(folders, arg, ['pending', 'rollback', 'failed'], 'Apply pending migrations up to');
    if (!target) return undefined;
    const { ctrl, entry } = target;
    return runDatabaseAction(ctrl, { title: `Up to ${entry.version}`, op: (m) => m.up({ target: entry.version }), summary: applied });
  };
}

/** Tree item: roll back everything applied after this one; this one stays applied. */
export function downTo(folders: Folders): Command {
  return async (arg?: Target) => {
    const target = await chooseEntry(folders, arg, ['applied', 'drifted'], 'Roll back everything applied after');
    if (!target) return undefined;
    const { ctrl, entry } = target;
    return runDatabaseAction(ctrl, {
      title: `Down to ${entry.version}`,
      confirm: {
        message: `Roll back every migration applied after ${entryLabel(entry)} on {db}? ${entryLabel(entry)} stays applied.`,
        button: 'Roll Back',
        detail: rollbackList(ctrl, { target: entry.version }),
      },
      op: (m) => m.down({ target: entry.version }),
      summary: rolledBack,
    });
  };
}
