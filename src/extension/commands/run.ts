// Up, Down, Reset, Refresh and the per-migration runs (CodeLens, tree items).
import type { DownOptions } from '../../engine/plan';
import * as vscode from 'vscode';
import { parseMigration } from '../../engine/parser';
import type { RunResult, StatusEntry } from '../../engine/types';
import { errorText, type Controller } from '../controller';
import { formatDateTime } from '../model/format';
import type { Folders } from '../folders';
import { describeRun, rollbackList as plannedRollbacks } from '../model/run-summary';
import { previewText } from '../model/preview';
import { editorHint } from '../model/tree-model';
import { editorText } from '../model/editor-text';
import { previewDocuments } from '../preview-doc';
import { refuseWhileRunning, requireTrust, runDatabaseAction } from '../runner';
import { redact } from '../../engine/redact';
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
    if (!ctrl || refuseWhileRunning(ctrl, 'Down')) return undefined;
    await ctrl.refresh();
    await ctrl.loadStoredCopies().catch(() => undefined);
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
    if (!ctrl || refuseWhileRunning(ctrl, 'Reset')) return undefined;
    await ctrl.refresh();
    await ctrl.loadStoredCopies().catch(() => undefined);
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
    if (!ctrl || refuseWhileRunning(ctrl, 'Refresh')) return undefined;
    await ctrl.refresh();
    await ctrl.loadStoredCopies().catch(() => undefined);
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
    if (entry.status === 'missing') return rollBackStoredCopy(ctrl, entry);
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
    await ctrl.loadStoredCopies().catch(() => undefined);
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

/** Tree item of a migration whose file is gone: roll it back with the Down of its stored copy. */
export function rollBackStoredCopyCommand(folders: Folders): Command {
  return async (arg?: Target) => {
    const target = await chooseEntry(folders, arg, ['missing'], 'Migration (file gone) to roll back from its stored copy');
    if (!target) return undefined;
    return rollBackStoredCopy(target.ctrl, target.entry);
  };
}

/**
 * The file is gone: what runs is the Down section of the copy the history stored when it was
 * applied. The confirmation says exactly that, from when, and shows the statements. Without a
 * stored copy (or without a Down in it) nothing can run, and the dialog says what to do instead.
 */
async function rollBackStoredCopy(ctrl: Controller, entry: StatusEntry): Promise<unknown> {
  const label = entryLabel(entry);
  let text: string | null;
  try {
    text = await ctrl.appliedText(entry.version);
  } catch (err) {
    void vscode.window.showErrorMessage(`Migrate Lens: cannot read the stored copy of ${label}: ${errorText(err)}`);
    return undefined;
  }
  const copy = storedCopyDown(text);
  if (!copy.ok) {
    const choice = await vscode.window.showWarningMessage(
      `${label}: its file is gone and ${copy.why}, so there is nothing to run.`,
      { modal: true, detail: 'Undo its changes by hand, then record that with "Mark as Rolled Back".' },
      'Mark as Rolled Back…',
    );
    if (choice) await vscode.commands.executeCommand('migrateLens.markRolledBack', { folder: ctrl.key, version: entry.version });
    return undefined;
  }
  const when = entry.row?.appliedAt ? formatDateTime(entry.row.appliedAt) : 'an unknown time';
  const batch = entry.row?.batch !== null && entry.row?.batch !== undefined ? `, batch ${entry.row.batch}` : '';
  return runDatabaseAction(ctrl, {
    title: `Roll Back ${entry.version} (stored copy)`,
    confirm: {
      message: `Roll back ${label} on {db} by running the Down section of its STORED COPY?`,
      button: 'Roll Back',
      detail: `The file ${entry.version}_${entry.name}.sql is gone. What runs is the copy the history stored when it was applied (${when}${batch}):\n\n${copy.sql}`,
    },
    op: (m) => m.down({ only: entry.version }),
    summary: rolledBack,
  });
}

/** The Down statements of a stored copy, as they would run, or why there are none. */
export function storedCopyDown(text: string | null): { ok: true; sql: string } | { ok: false; why: string } {
  if (text === null) return { ok: false, why: 'the history keeps no copy of it' };
  let statements: { sql: string }[] | undefined;
  try {
    statements = parseMigration(text, 'stored copy').down?.statements;
  } catch (err) {
    return { ok: false, why: `its stored copy does not parse (${errorText(err)})` };
  }
  if (!statements) return { ok: false, why: 'its stored copy has no Down section' };
  const lines = statements.map((s) => `${s.sql.trim()};`).join('\n').split('\n');
  const shown = lines.slice(0, 20);
  if (lines.length > shown.length) shown.push(`… (${lines.length - shown.length} more lines)`);
  return { ok: true, sql: shown.join('\n') || '(an empty Down section: nothing but the history record changes)' };
}

/**
 * "Preview SQL" (lens args: file path, version, direction; tree: the node): the exact statements
 * the engine's dry run would send for this one migration, in a read-only tab. Changes nothing.
 */
export function previewSql(folders: Folders): Command {
  return async (arg?: Target, version?: string, direction?: 'up' | 'down') => {
    const target = await chooseEntry(folders, arg, ['pending', 'rollback', 'failed', 'applied', 'drifted', 'missing'], 'Migration to preview', { version, fromEditor: true });
    if (!target) return undefined;
    const { ctrl, entry } = target;
    const dir: 'up' | 'down' = direction ?? (['pending', 'rollback', 'failed'].includes(entry.status) ? 'up' : 'down');
    if (!requireTrust()) return undefined;
    try {
      const settings = await ctrl.resolveSettings();
      const result = await ctrl.withMigrator(settings, {}, (m) =>
        dir === 'up' ? m.up({ only: entry.version, dryRun: true }) : m.down({ only: entry.version, dryRun: true }),
      );
      const fileLabel = entry.migration ? `${entry.version}_${entry.name}.sql` : `${entry.version}_${entry.name}.sql (stored copy)`;
      const text = previewText(result, { direction: dir, fileLabel, database: settings.connection.description });
      ctrl.log.info(`Preview SQL: ${dir} ${entry.version} on ${settings.connection.description}`);
      const title = `${entry.version}_${entry.name}.sql (${dir === 'up' ? 'Up' : 'Down'} preview, read-only)`;
      return await previewDocuments.show(title, text, `${ctrl.key}#${entry.version}#${dir}`);
    } catch (err) {
      void vscode.window.showErrorMessage(`Migrate Lens: cannot preview ${entryLabel(entry)}: ${editorText(redact(errorText(err)))}`);
      return undefined;
    }
  };
}

/**
 * "Resume Partial Migration" (tree item, lens, status bar): a statement-by-statement run stopped
 * part-way; run the statement that did not complete again and finish that migration. Nothing after
 * it runs: the user sees the result first. The confirmation says where it starts.
 */
export function resume(folders: Folders): Command {
  return async (arg?: Target) => {
    const target = await chooseEntry(folders, arg, ['partial'], 'Partial migration to resume');
    if (!target) return undefined;
    const { ctrl, entry } = target;
    const p = entry.row?.progress;
    if (!p || !entry.migration) {
      void vscode.window.showWarningMessage(`Migrate Lens: ${entryLabel(entry)} cannot be resumed: ${editorHint(entry) ?? 'its progress is not recorded'}.`);
      return undefined;
    }
    const section = p.direction === 'up' ? 'Up' : 'Down';
    const from = p.done >= p.total ? `record its ${section} as complete (all ${p.total} statements ran)` : `run its ${section} from statement ${p.done + 1} of ${p.total}`;
    return runDatabaseAction(ctrl, {
      title: `Resume ${entry.version}`,
      confirm: { message: `Resume ${entryLabel(entry)} on {db}: ${from}?`, button: 'Resume', detail: `Statements 1-${p.done} are recorded as completed and do not run again.` },
      op: (m) => (p.direction === 'up' ? m.up({ resume: true, target: entry.version }) : m.down({ resume: true })),
      summary: (r) => describeRun(r, p.direction),
    });
  };
}
