// The list of lint rules. A rule is a file here named by its id; the registry test checks that
// every file is listed, documented in the README and has fixtures that must and must not report.
import type { Rule } from '../rule';
import { rule as addingNotNullColumnWithoutDefault } from './adding-not-null-column-without-default';
import { rule as changingColumnType } from './changing-column-type';
import { rule as concurrentlyInTransaction } from './concurrently-in-transaction';
import { rule as constraintWithoutNotValid } from './constraint-without-not-valid';
import { rule as dropColumn } from './drop-column';
import { rule as dropTable } from './drop-table';
import { rule as indexWithoutConcurrently } from './index-without-concurrently';
import { rule as missingLockTimeout } from './missing-lock-timeout';
import { rule as notransactionNotIdempotent } from './notransaction-not-idempotent';
import { rule as oneChangePerMigration } from './one-change-per-migration';
import { rule as renamingColumn } from './renaming-column';
import { rule as renamingTable } from './renaming-table';
import { rule as setNotNullWithoutCheck } from './set-not-null-without-check';
import { rule as splitSection } from './split-section';
import { rule as upWithoutDown } from './up-without-down';
import { rule as updateOrDeleteWithoutWhere } from './update-or-delete-without-where';
import { rule as volatileDefault } from './volatile-default';

export const RULES: readonly Rule[] = [
  addingNotNullColumnWithoutDefault,
  changingColumnType,
  concurrentlyInTransaction,
  constraintWithoutNotValid,
  dropColumn,
  dropTable,
  indexWithoutConcurrently,
  missingLockTimeout,
  notransactionNotIdempotent,
  oneChangePerMigration,
  renamingColumn,
  renamingTable,
  setNotNullWithoutCheck,
  splitSection,
  upWithoutDown,
  updateOrDeleteWithoutWhere,
  volatileDefault,
];

/** The ids of RULES, for telling a rule id from a typo (ignore comments, lint.rules). */
export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.meta.id));
