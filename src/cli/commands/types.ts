/** What a command is: its name, its help, the flags it accepts and what it does. */
import type { Io } from '../io';

/** `list`: a string flag that may be given more than once; its values in order. */
export type FlagType = 'boolean' | 'string' | 'duration' | 'list';

export interface Flag {
  /** Without dashes: `dry-run` is given as -dry-run, --dry-run, --dry-run=true. */
  name: string;
  type: FlagType;
  /** Placeholder of the value in help (`V`, `FILE`); string and duration flags only. */
  value?: string;
  help: string;
  /** Checks a string value; returns the error message (without "error: ") when it is not acceptable. */
  check?: (value: string) => string | undefined;
  /** A duration flag's largest value, ms. */
  maxMs?: number;
}

export interface Command {
  name: string;
  /** One line for the general help's command list. */
  summary: string;
  /** `migrate-lens up [-version V] [--dry-run]`, followed in help by `description`. */
  usage: string;
  description: string;
  /** Every flag it accepts besides --help and --verbose, which every command takes. */
  flags: readonly Flag[];
  /** Sets of flags of which at most one may be given (e.g. down's -version, --batch, --all). */
  exclusive?: readonly (readonly string[])[];
  /** Flags that must be given (`mark-applied` needs -version). */
  required?: readonly string[];
  /** Words after the command; a command without this refuses them. */
  positionals?: { value: string; help: string };
  run(ctx: Context): Promise<number>;
}

/** The parsed command line of one command, read through the flags that command declared. */
export interface Context {
  command: Command;
  io: Io;
  /** Names of the flags given on the command line (booleans given as =false included). */
  given: ReadonlySet<string>;
  string(name: string): string | undefined;
  bool(name: string): boolean;
  /** A duration flag's value in milliseconds. */
  ms(name: string): number | undefined;
  /** A list flag's values, in the order given (empty when not given). */
  list(name: string): readonly string[];
  positionals: readonly string[];
}

export class UsageError extends Error {}

export function defineCommand(command: Command): Command {
  return command;
}
