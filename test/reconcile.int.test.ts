import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { loadDemo } from '../src/demo/load.ts';
import { generateDemoProvince } from '../src/demo/domain/generate.ts';
import { createTestDatabase } from './database.ts';

const run = promisify(execFile);
const DEMO = { provinceCode: '20', members: 3000, seed: 5 };
let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await createTestDatabase();
  await loadDemo(handle, DEMO);
});
afterAll(async () => handle?.close());

describe('doithe reconcile', () => {
  it('checks every eligible member against the register and finds exactly the discrepancies the register has', async () => {
    const { stdout } = await run('node', ['bin/doithe.js', 'reconcile', '--json'], { env: { ...process.env, DATABASE_URL: handle.url }, maxBuffer: 64 << 20 });
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as {
      checked: number;
      matched: number;
      mismatched: { personalId: string; fields: { field: string; cause: string }[] }[];
      notFound: string[];
    };
    // What the generator put into the register, person by person.
    const demo = generateDemoProvince({ ...DEMO });
    const eligible = new Set([...demo.members()].filter((m) => m.status === 'official' && m.partyCardNumber).map((m) => m.personalId));
    const register = new Map([...demo.register()].map((p) => [p.personalId, p]));
    expect(report.checked).toBe(eligible.size);
    expect(report.matched + report.mismatched.length + report.notFound.length).toBe(report.checked);
    expect(new Set(report.notFound)).toEqual(new Set([...eligible].filter((id) => !register.has(id))));

    const found = new Map(report.mismatched.map((m) => [m.personalId, m.fields]));
    const expectedField: Record<string, string | null> = {
      tone_placement: null, // Hòa/Hoà is the same name: no mismatch
      nfd: null, // so is the same name in decomposed Unicode
      typo: 'fullName',
      swapped_day_month: 'dateOfBirth',
      different_birth_date: 'dateOfBirth',
      address_changed: 'residence',
    };
    let discrepancies = 0;
    for (const id of eligible) {
      const person = register.get(id);
      if (!person) continue;
      const fields = found.get(id)?.map((f) => f.field) ?? [];
      const expected = person.discrepancy ? expectedField[person.discrepancy] : null;
      if (person.discrepancy) discrepancies++;
      if (expected === null) expect({ id, discrepancy: person.discrepancy, fields }).toEqual({ id, discrepancy: person.discrepancy, fields: [] });
      else expect({ id, fields }).toEqual({ id, fields: expect.arrayContaining([expected]) });
    }
    expect(discrepancies).toBeGreaterThan(50);
    const swapped = report.mismatched.flatMap((m) => m.fields).filter((f) => f.cause === 'day_month_swapped');
    expect(swapped.length).toBeGreaterThan(0);

    const stored = await handle.db.selectFrom('reconciliation_results').select(['status']).execute();
    expect(stored.length).toBe(report.checked);
  });
});
