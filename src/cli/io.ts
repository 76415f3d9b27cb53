/** Where a CLI run writes, where it runs, and what it may be told to stop by. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  /**
   * Work the process must finish before it quits, even when told a second time to quit now (verify's
   * drop of its scratch database). Absent where nothing quits early (tests that call run()).
   */
  finish?(work: Promise<unknown>): void;
}
