import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IMPORT_FIELDS, MEMBER_STATUSES, ORG_KINDS, ROLES } from '../api.ts';
import en from './en.json' with { type: 'json' };
import vi from './vi.json' with { type: 'json' };

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const result = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') result.set(path, value);
    else for (const [k, v] of flatten(value, path)) result.set(k, v);
  }
  return result;
}

const webRoot = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

const base = (key: string) => key.replace(/_(one|other)$/, '');

describe('UI catalogues', () => {
  const viKeys = flatten(vi as Tree);
  const enKeys = flatten(en as Tree);

  it('have the same keys in Vietnamese and English', () => {
    const viBase = new Set([...viKeys.keys()].map(base));
    const enBase = new Set([...enKeys.keys()].map(base));
    expect([...viBase].filter((key) => !enBase.has(key))).toEqual([]);
    expect([...enBase].filter((key) => !viBase.has(key))).toEqual([]);
  });

  it('hold every key the code uses', () => {
    const used = new Set<string>();
    for (const file of sources(webRoot)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bt\(\s*'([a-zA-Z][\w.]*)'/g)) used.add(match[1]!);
      for (const match of text.matchAll(/'((?:member|orgs|users|import)\.errors\.\w+)'/g)) used.add(match[1]!);
    }
    for (const role of ROLES) used.add(`roles.${role}`);
    for (const status of MEMBER_STATUSES) used.add(`status.${status}`);
    for (const kind of ORG_KINDS) used.add(`orgKind.${kind}`);
    for (const field of IMPORT_FIELDS) used.add(`fields.${field}`);
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((key) => !viKeys.has(key) || !enKeys.has(key));
    expect(missing).toEqual([]);
  });

  it('use the same placeholders in both languages', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const [key, text] of viKeys) {
      const english = enKeys.get(key);
      if (english !== undefined) expect(placeholders(english), key).toEqual(placeholders(text));
    }
  });
});
