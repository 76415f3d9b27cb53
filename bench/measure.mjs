// Timing a command end to end, from spawn to exit, as a user would see it.
import { spawn } from 'node:child_process';

const KEEP = 4000;

/**
 * Runs `cmd args` and resolves with its wall time in seconds; `unset` names variables of this
 * process's environment the command does not get. Rejects with the tail of its output when it
 * exits with a code not in `exitCodes` (a linter exits 1 when it finds something).
 */
export function timeCommand(cmd, args, { cwd, env, unset = [], exitCodes = [0] } = {}) {
  return new Promise((resolve, reject) => {
    let tail = '';
    const keep = (chunk) => {
      tail = (tail + chunk).slice(-KEEP);
    };
    const childEnv = { ...process.env, ...env };
    for (const name of unset) delete childEnv[name];
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (exitCodes.includes(code)) resolve(seconds);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal}:\n${tail.trim()}`));
    });
  });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
