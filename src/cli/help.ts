/** Help text, printed from the commands' own definitions (src/cli/commands). */
import { COMMANDS } from './commands/index';
import { GLOBAL_FLAGS } from './commands/flags';
import type { Command, Flag } from './commands/types';

const CONNECTION = `Connection (first match wins): -config FILE or ./config.yaml, DATABASE_URL, PG* variables,
else the embedded PGlite database in .migrate-lens/pglite.`;

function flagLine(f: Flag): string {
  const left = `${f.type === 'boolean' ? '--' : '-'}${f.name}${f.value ? ' ' + f.value : ''}`;
  return `  ${left.padEnd(20)}${f.help}`;
}

export function commandHelp(command: Command): string {
  const lines = [command.usage, command.description, '', 'Flags:', ...command.flags.map(flagLine), ...GLOBAL_FLAGS.map(flagLine)];
  if (command.positionals) lines.push(`  ${command.positionals.value.padEnd(20)}${command.positionals.help}`);
  if (command.flags.some((f) => f.name === 'config')) lines.push('', CONNECTION);
  return lines.join('\n') + '\n';
}

export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return `migrate-lens: versioned PostgreSQL migrations (sql-migrate format)

Usage: migrate-lens COMMAND [flags]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}

Run "migrate-lens COMMAND --help" for a command's flags.
Exit codes: 0 done, 1 failed, 2 usage error, 3 migrations pending (status --check only).

${CONNECTION}
`;
}
