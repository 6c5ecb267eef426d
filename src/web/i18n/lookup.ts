import en from './en.json' with { type: 'json' };
import vi from './vi.json' with { type: 'json' };

type Tree = { [key: string]: string | Tree };

function lookup(tree: Tree, key: string): string | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

/** A catalogue's text for a dotted key, as the tests read it without starting i18next. */
export const viText = (key: string) => lookup(vi as Tree, key);
export const enText = (key: string) => lookup(en as Tree, key);
