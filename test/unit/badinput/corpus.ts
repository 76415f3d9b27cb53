// The broken-input corpus: every folder under test/fixtures/broken is a migrations folder that must not
// validate. Its expected.json names the file, the line (0 = the file as a whole) and a pattern of the message.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS = join(__dirname, '..', '..', 'fixtures', 'broken');

export interface Expected {
  file: string;
  line: number;
  message: string;
}

export function corpusCases(): { name: string; dir: string; expected: Expected }[] {
  return readdirSync(CORPUS)
    .sort()
    .map((name) => ({
      name,
      dir: join(CORPUS, name),
      expected: JSON.parse(readFileSync(join(CORPUS, name, 'expected.json'), 'utf8')) as Expected,
    }));
}
