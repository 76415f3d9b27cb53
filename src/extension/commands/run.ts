// Up, Down, Reset, Refresh and the per-migration runs (CodeLens, tree items).
import type { DownOptions } from '../../engine/plan';
import type { RunResult } from '../../engine/types';
import type { Controller } from '../controller';
import { describeRun, rollbackList as plannedRollbacks } from '../model/run-summary';
import { runDatabaseAction } from '../runner';
import { chooseEntry, entryLabel, versionOf, type Target } from './targets';

type Command = (...args: never[]) => Promise<unknown>;

function rollbackList(ctrl: Controller, opts: DownOptions): string {
  return plannedRollbacks(ctrl.model.entries, opts);
}

const applied = (r: RunResult) => describeRun(r, 'up');
const rolledBack = (r: RunResult) => describeRun(r, 'down');

export function up(ctrl: Controller): Command {
  return () => runDatabaseAction(ctrl, { title: 'Up', op: (m) => m.up(), summary: applied });
}

export function down(ctrl: Controller): Command {
  return async () => {
    await ctrl.refresh();
    return runDatabaseAction(ctrl, {
      title: 'Down',
      confirm: { message: 'Roll back the most recent migration on {db}?', button: 'Roll Back', detail: rollbackList(ctrl, {}) },
      op: (m) => m.down(),
      summary: rolledBack,
    });
  };
}

export function reset(ctrl: Controller): Command {
  return async () => {
    await ctrl.refresh();
    return runDatabaseAction(ctrl, {
      title: 'Reset',
      confirm: { message: 'Roll back EVERY applied migration on {db}?', button: 'Reset', detail: rollbackList(ctrl, { all: true }) },
      op: (m) => m.reset(),
      summary: rolledBack,
    });
  };
}

export function refresh(ctrl: Controller): Command {
  return async () => {
    await ctrl.refresh();
    return runDatabaseAction(ctrl, {
      title: 'Refresh',
      confirm: {
        message: 'Roll back every migration on {db}, then apply them all again?',
        button: 'Refresh',
        detail: `${rollbackList(ctrl, { all: true })} Data in the tables they create is lost.`,
      },
      op: (m) => m.refresh(),
      summary: (r) => describeRun(r, 'refresh'),
    });
  };
}

/** CodeLens "Run Up": exactly this migration. Args: (file path or Uri, version?). */
export function runUp(ctrl: Controller): Command {
  return async (file?: Target, version?: string) => {
    const entry = version ? undefined : await chooseEntry(ctrl, file, ['pending', 'rollback', 'failed'], 'Migration to apply');
    const v = version ?? entry?.version ?? versionOf(file);
    if (!v) return undefined;
    return runDatabaseAction(ctrl, { title: `Run Up ${v}`, op: (m) => m.up({ only: v }), summary: applied });
  };
}

/** CodeLens "Run Down": exactly this migration, after confirmation. */
export function runDown(ctrl: Controller): Command {
  return async (file?: Target, version?: string) => {
    const entry = version ? ctrl.model.entryFor(version) : await chooseEntry(ctrl, file, ['applied', 'drifted', 'missing'], 'Migration to roll back');
    const v = version ?? entry?.version;
    if (!v) return undefined;
    return runDatabaseAction(ctrl, {
      title: `Run Down ${v}`,
      confirm: { message: `Roll back ${entry ? entryLabel(entry) : v} on {db}?`, button: 'Roll Back' },
      op: (m) => m.down({ only: v }),
      summary: rolledBack,
    });
  };
}

/** Tree item: apply every pending migration up to and including this one. */
export function upTo(ctrl: Controller): Command {
  return async (target?: Target) => {
    const entry = await chooseEntry(ctrl, target, ['pending', 'rollback', 'failed'], 'Apply pending migrations up to');
    if (!entry) return undefined;
    return runDatabaseAction(ctrl, { title: `Up to ${entry.version}`, op: (m) => m.up({ target: entry.version }), summary: applied });
  };
}

/** Tree item: roll back everything applied after this one; this one stays applied. */
export function downTo(ctrl: Controller): Command {
  return async (target?: Target) => {
    const entry = await chooseEntry(ctrl, target, ['applied', 'drifted'], 'Roll back everything applied after');
    if (!entry) return undefined;
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
