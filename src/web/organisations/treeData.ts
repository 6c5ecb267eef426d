import type { TreeNodeData } from '@mantine/core';
import type { Organisation } from '../api.ts';

/** A tree node for a unit; children already loaded under `previous` are kept. */
export function toNode(org: Organisation, previous?: TreeNodeData): TreeNodeData {
  const node: TreeNodeData = { value: org.id, label: org.name, nodeProps: { org } };
  if (org.childCount > 0) {
    if (previous?.children && previous.children.length > 0) node.children = previous.children;
    else node.hasChildren = true;
  }
  return node;
}

export function orgOf(node: TreeNodeData): Organisation | undefined {
  return (node.nodeProps as { org?: Organisation } | undefined)?.org;
}

export function findNode(nodes: readonly TreeNodeData[], value: string): TreeNodeData | undefined {
  for (const node of nodes) {
    if (node.value === value) return node;
    if (node.children) {
      const found = findNode(node.children, value);
      if (found) return found;
    }
  }
  return undefined;
}

/** The list of roots after a fresh load, keeping loaded subtrees of units that are still there. */
export function replaceRoots(nodes: readonly TreeNodeData[], roots: readonly Organisation[]): TreeNodeData[] {
  return roots.map((org) => toNode(org, nodes.find((node) => node.value === org.id)));
}

/** Sets the children of `parentValue`, keeping loaded subtrees of children that are still there. */
export function replaceChildren(
  nodes: readonly TreeNodeData[],
  parentValue: string,
  children: readonly Organisation[],
): TreeNodeData[] {
  return nodes.map((node) => {
    if (node.value === parentValue) {
      const previous = node.children ?? [];
      const org = orgOf(node);
      const next: TreeNodeData = { ...node, children: children.map((child) => toNode(child, previous.find((p) => p.value === child.id))) };
      delete next.hasChildren;
      if (org && org.childCount !== children.length) next.nodeProps = { org: { ...org, childCount: children.length } };
      return next;
    }
    if (node.children) {
      const updated = replaceChildren(node.children, parentValue, children);
      return updated === node.children ? node : { ...node, children: updated };
    }
    return node;
  });
}
