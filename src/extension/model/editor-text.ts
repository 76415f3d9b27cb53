// The engine's hints and errors name the CLI's verbs and flags ("accept-checksum -version V",
// "up --resume"); in the editor the same advice names the command to click. One table for every
// text the extension shows from the engine, so a new hint cannot leak CLI syntax into a tooltip.

/** Titles of the editor commands that do what the CLI verbs do (package.json `title`s). */
export const COMMAND_TITLES = {
  acceptChecksum: 'Accept Changed File',
  markApplied: 'Mark as Applied',
  markRolledBack: 'Mark as Rolled Back',
  forget: 'Forget History Row',
  resume: 'Resume Partial Migration',
  runUp: 'Run Up',
  rollBackStoredCopy: 'Roll Back (stored copy)',
  showError: 'Show Failure',
} as const;

const OUT_OF_ORDER = 'allow out-of-order runs (out_of_order: true under migrations: in the config file)';

const REWRITES: [RegExp, string][] = [
  [/"accept-checksum(?: -version \S+)?"/g, `"${COMMAND_TITLES.acceptChecksum}"`],
  [/"mark-applied(?: -version \S+)?"/g, `"${COMMAND_TITLES.markApplied}"`],
  [/"mark-rolled-back(?: -version \S+)?"/g, `"${COMMAND_TITLES.markRolledBack}"`],
  [/"forget(?: -version \S+)?"/g, `"${COMMAND_TITLES.forget}"`],
  [/"(?:up|down) --resume"/g, `"${COMMAND_TITLES.resume}"`],
  [/run "up --out-of-order"/g, OUT_OF_ORDER],
  [/pass --out-of-order/g, OUT_OF_ORDER],
  [/run "status", then "up" again/g, `run "Status (Reload)", then "Up" again`],
  [/run "up" again/g, `"${COMMAND_TITLES.runUp}" again`],
  [/"down" can still roll it back from the stored copy/g, `"${COMMAND_TITLES.rollBackStoredCopy}" can still roll it back`],
];

/** The engine's text with each CLI command replaced by the editor command that does the same. */
export function editorText(text: string): string {
  let out = text;
  for (const [from, to] of REWRITES) out = out.replace(from, to);
  return out;
}
