import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { vi } from './vi.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return name === 'web' ? [] : sources(file);
    return file.endsWith('.ts') && !file.endsWith('.test.ts') ? [file] : [];
  });
}

describe('message catalogues', () => {
  it('have a Vietnamese and an English message for every error and issue code the server uses', () => {
    const codes = new Set<string>();
    for (const file of sources('src')) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/AppError\(\s*'([a-z_]+(?:\.[a-z_]+)+)'/g)) codes.add(m[1]!);
      for (const m of text.matchAll(/code: '([a-z_]+\.[a-z_.]+)'/g)) codes.add(m[1]!);
      for (const m of text.matchAll(/'((?:personal_id|date|row|gender|status|party_card|phone|cell|boolean)\.[a-z_]+)'/g)) codes.add(m[1]!);
    }
    expect(codes.size).toBeGreaterThan(40);
    expect([...codes].filter((c) => !vi[c])).toEqual([]);
    expect([...codes].filter((c) => !en[c])).toEqual([]);
    expect(Object.keys(vi).filter((k) => !en[k])).toEqual([]);
  });
});
