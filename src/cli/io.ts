/** Where a CLI run writes, where it runs, and what it may be told to stop by. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
}
