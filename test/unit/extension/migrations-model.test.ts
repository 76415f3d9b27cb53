import { describe, expect, it } from 'vitest';
import { analyseFile, folderModel } from '../../../src/extension/model/migration-files';
import { MigrationsModel } from '../../../src/extension/model/migrations-model';
import { row, UP_DOWN } from './fixtures';

const dir = '/ws/migrations';
const a = `${dir}/20240101000000_a.sql`;
const b = `${dir}/20240102000000_b.sql`;

function model() {
  const m = new MigrationsModel();
  m.setFolder(folderModel(dir, true, [analyseFile(a, UP_DOWN), analyseFile(b, UP_DOWN)]));
  return m;
}

describe('MigrationsModel', () => {
  it('has no status until history rows arrive, then derives it from the parsed files', () => {
    const m = model();
    expect(m.entries).toBeNull();
    const checksum = m.fileAt(a)!.migration!.checksum;
    m.setRows([row('20240101000000', { checksum })]);
    expect(m.entries!.map((e) => e.status)).toEqual(['applied', 'pending']);
    expect(m.pendingCount).toBe(1);
    expect(m.entryFor('20240102000000')?.status).toBe('pending');
  });

  it('turns an applied file into drifted as soon as an editor changes it, without the database', () => {
    const m = model();
    m.setRows([row('20240101000000', { checksum: m.fileAt(a)!.migration!.checksum })]);
    let changes = 0;
    m.onDidChange(() => changes++);
    expect(m.syncText(a, UP_DOWN)).toBe(m.fileAt(a));
    expect(changes).toBe(0);
    m.syncText(a, UP_DOWN.replace('id int', 'id bigint'));
    expect(changes).toBe(1);
    expect(m.entryFor('20240101000000')?.status).toBe('drifted');
  });

  it('treats CRLF text as the same file', () => {
    const m = model();
    let changes = 0;
    m.onDidChange(() => changes++);
    m.syncText(a, UP_DOWN.replace(/\n/g, '\r\n'));
    expect(changes).toBe(0);
  });

  it('ignores files outside the folder and lists files that cannot run', () => {
    const m = model();
    expect(m.syncText('/elsewhere/x.sql', 'SELECT 1')).toBeUndefined();
    m.syncText(b, '-- +migrate Up\n-- +migrate Huh\n');
    expect(m.isRunnable(b)).toBe(false);
    expect(m.invalidFiles.map((f) => f.path)).toEqual([b]);
  });

  it('notifies listeners of connection changes and stops after dispose', () => {
    const m = model();
    const seen: string[] = [];
    const sub = m.onDidChange(() => seen.push(m.connection.state));
    m.setConnection({ state: 'connecting', database: 'postgres://app@localhost:5432/app' });
    sub.dispose();
    m.setConnection({ state: 'connected' });
    expect(seen).toEqual(['connecting']);
    expect(m.connection).toMatchObject({ state: 'connected', database: 'postgres://app@localhost:5432/app' });
  });
});
