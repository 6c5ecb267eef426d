import { describe, expect, it } from 'vitest';
import type { Organisation } from '../api.ts';
import { findNode, replaceChildren, replaceRoots } from './treeData.ts';

const org = (id: string, childCount: number, parentId: string | null = null): Organisation => ({
  id,
  parentId,
  name: `Đơn vị ${id}`,
  kind: 'cell',
  communeCode: null,
  childCount,
  memberCount: 0,
  closed: false,
});

describe('organisation tree data', () => {
  it('marks units with children as expandable and keeps loaded subtrees on refresh', () => {
    let nodes = replaceRoots([], [org('1', 2), org('2', 0)]);
    expect(nodes[0]?.hasChildren).toBe(true);
    expect(nodes[1]?.hasChildren).toBeUndefined();
    nodes = replaceChildren(nodes, '1', [org('11', 1, '1'), org('12', 0, '1')]);
    nodes = replaceChildren(nodes, '11', [org('111', 0, '11')]);
    expect(findNode(nodes, '111')?.label).toBe('Đơn vị 111');
    nodes = replaceRoots(nodes, [org('1', 2), org('2', 0), org('3', 0)]);
    expect(findNode(nodes, '111')).toBeDefined();
    expect(nodes).toHaveLength(3);
    nodes = replaceChildren(nodes, '1', [org('12', 0, '1')]);
    expect(findNode(nodes, '111')).toBeUndefined();
    expect(findNode(nodes, '12')).toBeDefined();
  });
});
