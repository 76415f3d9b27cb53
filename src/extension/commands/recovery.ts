// Recovery actions: change the history record without running SQL. Each one asks first.
import type { Migrator } from '../../engine/migrator';
import type { DisplayStatus } from '../../engine/types';
import type { Folders } from '../folders';
import { runDatabaseAction } from '../runner';
import { chooseEntry, entryLabel, type Target } from './targets';

type Command = (...args: never[]) => Promise<unknown>;

interface Recovery {
  statuses: readonly DisplayStatus[];
  title: string;
  question: string;
  detail: string;
  button: string;
  done: string;
  act: (m: Migrator, version: string) => Promise<void>;
}

function recovery(folders: Folders, r: Recovery): Command {
  return async (target?: Target) => {
    const resolved = await chooseEntry(folders, target, r.statuses, r.title);
    if (!resolved) return undefined;
    const { ctrl, entry } = resolved;
    const label = entryLabel(entry);
    return runDatabaseAction<void>(ctrl, {
      title: `${r.title} ${entry.version}`,
      confirm: { message: r.question.replace('{m}', label), button: r.button, detail: r.detail },
      op: (m) => r.act(m, entry.version),
      summary: () => r.done.replace('{m}', label),
    });
  };
}

export const markApplied = (folders: Folders) =>
  recovery(folders, {
    statuses: ['pending', 'failed', 'rollback', 'partial'],
    title: 'Mark as Applied',
    question: 'Record {m} as applied on {db} WITHOUT running it?',
    detail: 'Only when its changes are already in the database (made by hand or by another tool).',
    button: 'Mark as Applied',
    done: '{m} marked as applied',
    act: (m, v) => m.markApplied(v),
  });

export const markRolledBack = (folders: Folders) =>
  recovery(folders, {
    statuses: ['applied', 'drifted', 'missing', 'partial'],
    title: 'Mark as Rolled Back',
    question: 'Record {m} as rolled back on {db} WITHOUT running its Down?',
    detail: 'Only when its changes were already undone by hand.',
    button: 'Mark as Rolled Back',
    done: '{m} marked as rolled back',
    act: (m, v) => m.markRolledBack(v),
  });

export const forget = (folders: Folders) =>
  recovery(folders, {
    statuses: ['failed', 'rollback', 'partial'],
    title: 'Forget History Row',
    question: 'Delete the history record of {m} on {db}?',
    detail: 'The migration becomes pending again.',
    button: 'Forget',
    done: 'history record of {m} deleted',
    act: (m, v) => m.forget(v),
  });

export const acceptChecksum = (folders: Folders) =>
  recovery(folders, {
    statuses: ['drifted'],
    title: 'Accept Changed File',
    question: 'Accept the edited file of {m} as the applied version on {db}?',
    detail: 'The database is not changed; the history stores the new checksum and text, and who accepted it.',
    button: 'Accept',
    done: 'changed file of {m} accepted',
    act: (m, v) => m.acceptChecksum(v),
  });
