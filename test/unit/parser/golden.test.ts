// Golden files for the migration parser, in goose's style: every folder under
// test/fixtures/parser/valid holds input.sql and expected.json (the ParsedMigration), every folder
// under test/fixtures/parser/invalid holds input.sql and expected-error.txt (the exact message).
// UPDATE_GOLDEN=1 rewrites the expectations from the current parser; read every diff before committing.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError, parseMigration } from '../../../src/engine/internal';

const ROOT = join(__dirname, '..', '..', 'fixtures', 'parser');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
// The name the parser reports errors against, so messages do not depend on the checkout path.
const FILE = 'input.sql';

function cases(kind: 'valid' | 'invalid'): string[] {
  return readdirSync(join(ROOT, kind), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

function input(kind: string, name: string): string {
  return readFileSync(join(ROOT, kind, name, 'input.sql'), 'utf8');
}

describe('parser golden files: valid', () => {
  it('has cases', () => expect(cases('valid').length).toBeGreaterThan(20));

  for (const name of cases('valid')) {
    it(name, () => {
      const parsed = parseMigration(input('valid', name), FILE);
      const expectedPath = join(ROOT, 'valid', name, 'expected.json');
      if (UPDATE) writeFileSync(expectedPath, JSON.stringify(parsed, null, 2) + '\n');
      expect(existsSync(expectedPath), `${expectedPath} is missing; run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(parsed).toEqual(JSON.parse(readFileSync(expectedPath, 'utf8')));
    });
  }
});

describe('parser golden files: invalid', () => {
  it('has cases', () => expect(cases('invalid').length).toBeGreaterThan(20));

  for (const name of cases('invalid')) {
    it(name, () => {
      let error: unknown;
      try {
        parseMigration(input('invalid', name), FILE);
      } catch (err) {
        error = err;
      }
      expect(error, 'expected a ParseError').toBeInstanceOf(ParseError);
      const message = (error as ParseError).message;
      const expectedPath = join(ROOT, 'invalid', name, 'expected-error.txt');
      if (UPDATE) writeFileSync(expectedPath, message + '\n');
      expect(existsSync(expectedPath), `${expectedPath} is missing; run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(message).toBe(readFileSync(expectedPath, 'utf8').trimEnd());
      // The line in the message and the error's own field agree.
      const [file, line] = message.split(':');
      expect(file).toBe(FILE);
      expect(Number(line)).toBe((error as ParseError).line);
    });
  }
});
