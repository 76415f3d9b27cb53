// What the editor lints a migration with, from the folder's config file. `lint.rules` is read in
// every workspace, Restricted Mode too: it is severities in YAML, read as data by a parser that runs
// nothing and reads no other file, so an untrusted folder gets the same findings as the terminal's
// `migrate-lens lint`. The DDL lock timeout comes from resolving the run's settings (environment
// variables, ~/.pgpass, the chosen environment), which Restricted Mode does not do: there it stays
// the runner's default, which only missing-lock-timeout reads.
import type { LintOptions, RuleSetting } from '../../lint';

export interface LintConfigSource {
  trusted: boolean;
  /** `lint.rules` of the folder's config file (throws a ConfigError on a bad one). */
  lintRules(): Promise<Record<string, RuleSetting>>;
  /** The run's DDL lock timeout from the resolved settings; called only when trusted. */
  ddlLockTimeoutMs(): Promise<number>;
}

/** Each part that cannot be read falls back to its default, with a warning: the rest still applies. */
export async function editorLintOptions(source: LintConfigSource, warn: (message: string) => void): Promise<LintOptions> {
  const options: LintOptions = {};
  try {
    options.rules = await source.lintRules();
  } catch (err) {
    warn(`lint: using the rules' default severities, lint.rules cannot be read: ${errorText(err)}`);
  }
  if (source.trusted) {
    try {
      options.ddlLockTimeoutMs = await source.ddlLockTimeoutMs();
    } catch (err) {
      // A broken config file is reported where it is read for running.
      warn(`lint: using the default DDL lock timeout, the settings cannot be resolved: ${errorText(err)}`);
    }
  }
  return options;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
