import { MigrateError, redact } from '../engine/internal';
import { UsageError } from './commands/types';
import { commandHelp, generalHelp } from './help';
import type { Io } from './io';
import { CommandUsageError, contextOf, parseCommandLine, type Parsed } from './parse';

export type { Io } from './io';

/** Runs one CLI invocation and returns its exit code: 0 done, 1 failed, 2 usage error (a command may add its own, see its help). */
export async function run(argv: string[], io: Io): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    if (err instanceof CommandUsageError) {
      const how = err.command ? `migrate-lens ${err.command.name} --help` : 'migrate-lens --help';
      io.err(`error: ${err.message}\nRun "${how}" for usage.\n`);
      return 2;
    }
    throw err;
  }
  const command = parsed.command;
  if (!command) {
    if (parsed.help) {
      io.out(generalHelp());
      return 0;
    }
    io.err(generalHelp());
    return 2;
  }
  if (parsed.help) {
    io.out(commandHelp(command));
    return 0;
  }
  try {
    return await command.run(contextOf(parsed, io));
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\n\n${commandHelp(command)}`);
      return 2;
    }
    io.err(`error: ${redact(describeError(err))}\n`);
    if (parsed.verbose && err instanceof Error && err.stack) io.err(redact(err.stack) + '\n');
    return 1;
  }
}

function describeError(err: unknown): string {
  if (err instanceof MigrateError) return err.message;
  const e = err as NodeJS.ErrnoException & { code?: string };
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN' || e?.code === 'ETIMEDOUT' || e?.code === 'EHOSTUNREACH') {
    return `cannot connect to the database (${e.code}): ${e.message}`;
  }
  if (e?.message && /timeout expired|Connection terminated/i.test(e.message)) return `cannot connect to the database: ${e.message}`;
  if (e?.code === '28P01' || e?.code === '28000') return `the database refused the login: ${e.message}`;
  if (e?.code === '3D000') return `the database does not exist: ${e.message}`;
  return e?.message ?? String(err);
}

/** Runs the process's command line and exits with its code (the `migrate-lens` command). */
export function main(): void {
  const controller = new AbortController();
  let interrupted = false;
  const finishing = new Set<Promise<unknown>>();
  // Ctrl-C (SIGINT) and a service manager's or CI's stop (SIGTERM) alike: stop between migrations;
  // told again, quit now, once the work that must finish has (the exit code says which signal).
  const stop = (signal: 'SIGINT' | 'SIGTERM') => {
    if (interrupted) {
      void Promise.allSettled(finishing).then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
      return;
    }
    interrupted = true;
    process.stderr.write(`${signal === 'SIGINT' ? 'Stopping' : 'Terminated: stopping'} after the current migration (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to quit now)...\n`);
    controller.abort();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // A closed pipe (`down --all | head -1`) ends the output, never the bookkeeping: without these
  // listeners the EPIPE would kill the process between running a statement and recording it. The
  // migration under way finishes and is recorded, nothing after it starts, and the exit code says so.
  const closed = { stdout: false, stderr: false };
  const onClosed = (which: 'stdout' | 'stderr') => () => {
    closed[which] = true;
    controller.abort();
  };
  process.stdout.on('error', onClosed('stdout'));
  process.stderr.on('error', onClosed('stderr'));
  const out = (t: string) => void (closed.stdout || process.stdout.write(t));
  const err = (t: string) => void (closed.stderr || process.stderr.write(t));
  run(process.argv.slice(2), {
    out,
    err,
    cwd: process.cwd(),
    env: process.env,
    signal: controller.signal,
    finish: (work) => {
      const settled = work.then(
        () => undefined,
        () => undefined,
      );
      finishing.add(settled);
      void settled.then(() => finishing.delete(settled));
    },
  }).then(
    (code) => {
      if (closed.stdout || closed.stderr) {
        if (!closed.stderr) err('Output closed: stopped after the migration under way; its outcome is recorded (see "status").\n');
        process.exit(code || 1);
      }
      // Exit as soon as the output is written: the work is done and every connection closed, and
      // letting Node tear the heap down after an empty event loop costs a CLI run 10-20 ms.
      process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
    },
    (e) => {
      err(`error: ${redact(String(e?.message ?? e))}\n`);
      process.exitCode = 1;
    },
  );
}

// dist/cli.js is this module bundled: run as a program, it runs the command line.
if (require.main === module) main();
