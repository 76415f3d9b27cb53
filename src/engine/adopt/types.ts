import type { Database } from '../database';

export type ToolName = 'sql-migrate' | 'goose' | 'dbmate' | 'golang-migrate';

/** One migration as the other tool sees its folder. */
export interface ToolFile {
  /** What the other tool's history stores for it: sql-migrate the file name, the others its number. */
  id: string;
  /** The name part, for our file name (`init` of `1_init.sql`). */
  name: string;
  /** The files it is made of (golang-migrate: the .up.sql and the .down.sql). */
  sources: string[];
  /** Its text in our format (converted from dbmate's or golang-migrate's when they differ). */
  text: string;
  /** True when `text` is not the first source's text as it is. */
  converted: boolean;
  /** Our version when its name can be taken as one; null when only `--rename` can give it one. */
  version: string | null;
}

/** One entry of the other tool's history: applied, with its time when the tool keeps one. */
export interface ToolEntry {
  id: string;
  appliedAt: Date | null;
  /** The same instant to the microsecond (ISO 8601 text), as the tool stored it. */
  appliedAtText?: string | null;
}

/** What adopt needs from each tool: its table, its rows, its folder, its order. */
export interface Tool {
  name: ToolName;
  /** Where the tool keeps its history by default. */
  defaultTable: string;
  /** The name foreign-tables.ts gives a table of this tool's shape. */
  shapeNames: readonly string[];
  /** The entries it counts as applied; throws an AdoptError when its state is not clean. */
  readEntries(db: Database, qualified: string, files: ToolFile[]): Promise<ToolEntry[]>;
  /** Its migrations in the folder, in any order. */
  readFolder(dir: string, entries: readonly string[]): ToolFile[];
  /** The tool's own order of two of its files. */
  compare(a: ToolFile, b: ToolFile): number;
}
