import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { embeddedRegister } from '../src/reconciliation/register.ts';
import { createTestDatabase } from './database.ts';

const run = promisify(execFile);
let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => handle?.close());

describe('doithe population import', () => {
  it('loads good rows, reports bad ones by line without stopping, and serves lookups', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'doithe-pop-')), 'dancu.csv');
    writeFileSync(
      file,
      [
        'personal_id,full_name,date_of_birth,gender,hometown,permanent_address',
        '040062001234,NGUYỄN VĂN AN,1962-09-05,male,"Xã Nghi Lộc, Tỉnh Nghệ An","Thôn 3, xã Nghi Lộc, tỉnh Nghệ An"',
        '04006200123X,TRẦN VĂN SAI,1962-01-01,male,,',
        '040165001235,ĐẶNG THỊ THỦY,1965-02-30,female,,',
        '040165001236,Lê Thị Hoà,1965-03-01,nữ,,',
      ].join('\n'),
    );
    const { stdout } = await run('node', ['bin/doithe.js', 'population', 'import', file, '--json'], { env: { ...process.env, DATABASE_URL: handle.url } });
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result).toEqual({
      rows: 4,
      imported: 2,
      rejected: [
        { row: 3, errors: [{ field: 'personalId', code: 'personal_id.shape', message: 'Số định danh cá nhân phải gồm 12 chữ số.' }] },
        { row: 4, errors: [{ field: 'dateOfBirth', code: 'date.not_a_date', message: 'Ngày không có thật.' }] },
      ],
    });
    const register = embeddedRegister(handle.db);
    expect(await register.lookup('040062001234')).toEqual({
      personalId: '040062001234',
      fullName: 'NGUYỄN VĂN AN',
      dateOfBirth: '1962-09-05',
      gender: 'male',
      hometown: 'Xã Nghi Lộc, Tỉnh Nghệ An',
      permanentAddress: 'Thôn 3, xã Nghi Lộc, tỉnh Nghệ An',
    });
    expect(await register.lookup('040165001235')).toBeNull();
    expect([...(await register.lookupMany(['040062001234', '040165001236', '001000000000'])).keys()].sort()).toEqual(['040062001234', '040165001236']);
  });
});
