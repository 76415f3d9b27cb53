/** argv → command, flags and positionals. Accepts -flag value, -flag=value, --flag and --flag=value. */

export const COMMANDS = ['up', 'down', 'status', 'create', 'reset', 'refresh', 'version', 'mark-applied', 'mark-rolled-back', 'forget', 'accept-checksum', 'lint'] as const;
export type Command = (typeof COMMANDS)[number];

const STRING_FLAGS = ['config', 'env', 'migrations', 'version', 'name', 'table', 'schema', 'lock-timeout', 'format', 'ddl-lock-timeout', 'ddl-retries'] as const;
const BOOLEAN_FLAGS = ['dry-run', 'json', 'batch', 'all', 'out-of-order', 'verbose', 'help', 'pending', 'strict'] as const;
type StringFlag = (typeof STRING_FLAGS)[number];
type BooleanFlag = (typeof BOOLEAN_FLAGS)[number];

export interface ParsedArgs {
  command: Command | null;
  strings: Partial<Record<StringFlag, string>>;
  booleans: Partial<Record<BooleanFlag, boolean>>;
  positionals: string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: string[]): ParsedArgs {
  const out: ParsedArgs = { command: null, strings: {}, booleans: {}, positionals: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      const body = arg.replace(/^--?/, '');
      const eq = body.indexOf('=');
      const name = eq === -1 ? body : body.slice(0, eq);
      const inline = eq === -1 ? undefined : body.slice(eq + 1);
      if (name === 'h') {
        out.booleans.help = true;
      } else if ((STRING_FLAGS as readonly string[]).includes(name)) {
        const value = inline ?? argv[++i];
        if (value === undefined) throw new UsageError(`-${name} needs a value`);
        out.strings[name as StringFlag] = value;
      } else if ((BOOLEAN_FLAGS as readonly string[]).includes(name)) {
        if (inline !== undefined && !/^(true|false)$/.test(inline)) throw new UsageError(`-${name} takes no value (or =true / =false)`);
        out.booleans[name as BooleanFlag] = inline !== 'false';
      } else {
        throw new UsageError(`unknown flag ${arg}`);
      }
      continue;
    }
    if (out.command === null && out.positionals.length === 0) {
      if (!(COMMANDS as readonly string[]).includes(arg)) throw new UsageError(`unknown command "${arg}"`);
      out.command = arg as Command;
    } else {
      out.positionals.push(arg);
    }
  }
  return out;
}

/** `30`, `30s`, `500ms`, `2m` → milliseconds. */
export function parseDuration(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!m) throw new UsageError(`-${flag} expects seconds (e.g. 30, 30s, 500ms, 2m), got "${value}"`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}

/** A whole number of tries, 0 to 999. */
export function parseCount(value: string, flag: string): number {
  if (!/^\d{1,3}$/.test(value.trim())) throw new UsageError(`-${flag} expects a whole number from 0 to 999, got "${value}"`);
  return Number(value.trim());
}
