/**
 * Every command of the CLI, in the order the general help lists them.
 *
 * To add a command: write `src/cli/commands/<verb>.ts` exporting `defineCommand({ name, summary,
 * usage, description, flags, run })` as default, and add it to the list below. Its help and flag
 * checks ("unknown flag", "did you mean", exclusive and required flags) come from that one definition.
 *
 * To add a flag to one command: add it to that command's `flags` (and `exclusive` if it conflicts
 * with another). A flag that several commands share: define it in `flags.ts` and list it in each
 * command's `flags`; one that every database command takes: add it to `DATABASE_FLAGS` (read-only
 * and writing commands) or `WRITE_FLAGS` (writing commands only) in `flags.ts`, and read it in
 * `settingsOf` in `shared.ts`. Tests: test/unit/cli.test.ts checks every command's help and flags.
 */
import type { Command } from './types';
import up from './up';
import down from './down';
import status from './status';
import create from './create';
import reset from './reset';
import refresh from './refresh';
import version from './version';
import markApplied from './mark-applied';
import markRolledBack from './mark-rolled-back';
import forget from './forget';
import acceptChecksum from './accept-checksum';
import adopt from './adopt';
import lint from './lint';
import verify from './verify';

export const COMMANDS: readonly Command[] = [up, down, status, create, reset, refresh, version, markApplied, markRolledBack, forget, acceptChecksum, adopt, lint, verify];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
