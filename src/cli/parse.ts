/**
 * argv → one command and the flags it declared. Accepts -flag value, -flag=value, --flag value and
 * --flag=value; booleans also as --flag=true / --flag=false. Everything a command does not declare
 * is refused here, with the nearest name suggested.
 */
import { COMMANDS, findCommand } from './commands/index';
import { GLOBAL_FLAGS } from './commands/flags';
import { UsageError, type Command, type Context, type Flag } from './commands/types';
import type { Io } from './io';

export interface Parsed {
  /** null: no command was given. */
  command: Command | null;
  help: boolean;
  verbose: boolean;
  /** Given flags by name: strings as written, booleans as booleans, durations in milliseconds. */
  values: Map<string, string | boolean | number | string[]>;
  positionals: string[];
}

/** A usage error that knows its command, so that the command's help can follow it. */
export class CommandUsageError extends UsageError {
  constructor(message: string, readonly command: Command | null) {
    super(message);
  }
}

interface FlagToken {
  index: number;
  text: string;
  name: string;
  inline: string | undefined;
}

function flagToken(argv: string[], index: number): FlagToken | null {
  const text = argv[index];
  if (!text.startsWith('-') || text.length < 2 || /^-\d/.test(text) || text === '--') return null;
  const body = text.replace(/^--?/, '');
  const eq = body.indexOf('=');
  return { index, text, name: eq === -1 ? body : body.slice(0, eq), inline: eq === -1 ? undefined : body.slice(eq + 1) };
}

function canonical(name: string): string {
  return name === 'h' ? 'help' : name;
}

/** The flag definitions of a command, the global ones included. */
export function flagsOf(command: Command): readonly Flag[] {
  return [...command.flags, ...GLOBAL_FLAGS];
}

export function parseCommandLine(argv: string[]): Parsed {
  // First find the command: a word that is not the value of a flag before it. A flag before the
  // command takes a value if any command's flag of that name does.
  const valued = new Set(COMMANDS.flatMap((c) => c.flags.filter((f) => f.type !== 'boolean').map((f) => f.name)));
  let commandIndex = -1;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') break;
    const t = flagToken(argv, i);
    if (t) {
      if (t.inline === undefined && valued.has(t.name)) i++;
      continue;
    }
    commandIndex = i;
    break;
  }
  const out: Parsed = { command: null, help: false, verbose: false, values: new Map(), positionals: [] };
  if (commandIndex === -1) {
    // No command: only --help and --verbose mean something.
    for (let i = 0; i < argv.length; i++) {
      const t = flagToken(argv, i);
      if (t && canonical(t.name) === 'help') out.help = true;
    }
    return out;
  }
  const name = argv[commandIndex];
  const command = findCommand(name);
  if (!command) {
    const near = nearest(name, COMMANDS.map((c) => c.name));
    throw new CommandUsageError(`unknown command "${name}"${near ? `; did you mean "${near}"?` : ''}`, null);
  }
  out.command = command;
  const flags = flagsOf(command);
  const typed = new Map<string, string>(); // flag name → how it was written, for messages
  for (let i = 0; i < argv.length; i++) {
    if (i === commandIndex) continue;
    if (argv[i] === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    const t = flagToken(argv, i);
    if (!t) {
      out.positionals.push(argv[i]);
      continue;
    }
    const flag = flags.find((f) => f.name === canonical(t.name));
    if (!flag) throw new CommandUsageError(unknownFlag(command, t), command);
    typed.delete(flag.name); // Map order: where each flag was last given
    typed.set(flag.name, t.text.replace(/=.*$/, ''));
    if (flag.type === 'boolean') {
      if (t.inline !== undefined && !/^(true|false)$/.test(t.inline)) throw new CommandUsageError(`-${flag.name} takes no value (or =true / =false)`, command);
      out.values.set(flag.name, t.inline !== 'false');
      continue;
    }
    const value = t.inline ?? argv[++i];
    if (value === undefined) throw new CommandUsageError(`-${flag.name} needs a value`, command);
    const problem = flag.type === 'duration' ? undefined : flag.check?.(value);
    if (problem) throw new CommandUsageError(problem, command);
    if (flag.type === 'list') {
      const list = out.values.get(flag.name);
      out.values.set(flag.name, Array.isArray(list) ? [...list, value] : [value]);
      continue;
    }
    try {
      out.values.set(flag.name, flag.type === 'duration' ? parseDuration(value, flag.name, flag.maxMs) : value);
    } catch (err) {
      throw new CommandUsageError((err as Error).message, command);
    }
  }
  out.help = out.values.get('help') === true;
  out.verbose = out.values.get('verbose') === true;
  if (out.help) return out; // help is printed whatever else was given
  for (const set of command.exclusive ?? []) {
    const given = [...typed.keys()].filter((n) => set.includes(n) && out.values.get(n) !== false);
    if (given.length > 1) {
      throw new CommandUsageError(`${command.name}: ${given.map((n) => typed.get(n)).join(' and ')} cannot be used together`, command);
    }
  }
  for (const n of command.required ?? []) {
    if (!out.values.has(n)) {
      const f = flags.find((x) => x.name === n)!;
      throw new CommandUsageError(`${command.name} needs -${n}${f.value ? ' ' + f.value : ''}`, command);
    }
  }
  if (out.positionals.length && !command.positionals) {
    throw new CommandUsageError(`${command.name} takes no argument, got "${out.positionals[0]}"`, command);
  }
  return out;
}

function unknownFlag(command: Command, t: FlagToken): string {
  const shown = t.text.replace(/=.*$/, '');
  const dashes = shown.startsWith('--') ? '--' : '-';
  const near = nearest(t.name, flagsOf(command).map((f) => f.name));
  if (near) return `${command.name} does not take ${shown}; did you mean ${dashes}${near}?`;
  const elsewhere = COMMANDS.filter((c) => c.flags.some((f) => f.name === t.name)).map((c) => c.name);
  if (elsewhere.length) return `${command.name} does not take ${shown} (a flag of ${elsewhere.join(', ')})`;
  return `${command.name} does not take ${shown}: unknown flag`;
}

/** The candidate nearest to `word` by edit distance, if it is near enough to be a typo. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor((best?.length ?? 0) / 3)));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

/** Edit distance counting an adjacent swap as one edit ("stauts" → "status" is 1). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * `30`, `30s`, `500ms`, `2m` → milliseconds, at most `maxMs`. A value that is not 0 but rounds to
 * 0 ms is refused: 0 means "none" to the timeouts, not "as short as possible".
 */
export function parseDuration(value: string, flag: string, maxMs = Number.MAX_SAFE_INTEGER): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!m) throw new UsageError(`-${flag} expects seconds (e.g. 30, 30s, 500ms, 2m), got "${value}"`);
  const n = Number(m[1]);
  const ms = Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
  if (!(ms <= maxMs)) throw new UsageError(`-${flag} is at most ${maxMs} ms (${Math.floor(maxMs / 86_400_000)} days), got "${value}"`);
  if (ms === 0 && n > 0) throw new UsageError(`-${flag} is counted in whole milliseconds: "${value}" would be 0, which means none (give 1ms or more, or 0)`);
  return ms;
}

/** The context a command's run() reads its flags through. */
export function contextOf(parsed: Parsed, io: Io): Context {
  const command = parsed.command!;
  const v = parsed.values;
  return {
    command,
    io,
    given: new Set(v.keys()),
    string: (name) => (typeof v.get(name) === 'string' ? (v.get(name) as string) : undefined),
    bool: (name) => v.get(name) === true,
    ms: (name) => (typeof v.get(name) === 'number' ? (v.get(name) as number) : undefined),
    list: (name) => {
      const value = v.get(name);
      return Array.isArray(value) ? value : [];
    },
    positionals: parsed.positionals,
  };
}
