import { ActionIcon, Badge, Group, Loader, Text, Tree, useTree, VisuallyHidden, type TreeNodeData } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useImperativeHandle, useRef, useState, type KeyboardEvent, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Organisation } from '../api.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { formatNumber } from '../format.ts';
import { fetchChildren, orgKeys } from './queries.ts';
import { findNode, orgOf, replaceChildren, replaceRoots } from './treeData.ts';

export interface OrgTreeHandle {
  /** Reloads the roots and every level that is open, after a unit was created, moved, merged or closed. */
  refresh: () => Promise<void>;
  /** Opens the path to a unit: its ancestors from the top, loading each level. */
  reveal: (ancestorIds: readonly string[]) => Promise<void>;
}

interface Props {
  label: string;
  selectedId: string | null;
  onSelect: (org: Organisation) => void;
  /** Enter on a unit: chosen and confirmed (e.g. closes a picker). */
  onActivate?: (org: Organisation) => void;
  /** Units that cannot be chosen here (e.g. the unit being moved); shown dimmed. */
  disabledIds?: readonly string[];
  ref?: Ref<OrgTreeHandle>;
}

function Chevron({ open }: { open: boolean }) {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" style={{ transform: open ? 'rotate(90deg)' : undefined, transition: 'transform 120ms' }}>
      <path d="M6 3l5 5-5 5" fill="none" stroke="currentColor" strokeWidth="2" />
    </svg>
  );
}

/** The party organisation tree, loaded level by level. Arrow keys move and open, Enter chooses. */
export function OrgTree({ label, selectedId, onSelect, onActivate, disabledIds = [], ref }: Props) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [nodes, setNodes] = useState<TreeNodeData[]>([]);
  const [expanded, setExpanded] = useState<Record<string, boolean>>({});
  const [loading, setLoading] = useState<ReadonlySet<string>>(new Set());
  const [loadError, setLoadError] = useState<unknown>(null);
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;

  const roots = useQuery({ queryKey: orgKeys.roots(), queryFn: () => api.organisationRoots(), staleTime: 60_000 });
  useEffect(() => {
    if (roots.data) setNodes((previous) => replaceRoots(previous, roots.data));
  }, [roots.data]);

  const loadChildren = useCallback(
    async (value: string, fresh = false) => {
      setLoading((previous) => new Set(previous).add(value));
      try {
        const children = await fetchChildren(queryClient, value, fresh);
        setNodes((previous) => replaceChildren(previous, value, children));
        setLoadError(null);
      } catch (error) {
        setLoadError(error);
      } finally {
        setLoading((previous) => {
          const next = new Set(previous);
          next.delete(value);
          return next;
        });
      }
    },
    [queryClient],
  );

  const ensureLoaded = useCallback(
    (value: string) => {
      const node = findNode(nodesRef.current, value);
      if (node?.hasChildren && !node.children) void loadChildren(value);
    },
    [loadChildren],
  );

  const tree = useTree({
    expandedState: expanded,
    onExpandedStateChange: setExpanded,
    selectedState: selectedId ? [selectedId] : [],
    onNodeExpand: ensureLoaded,
  });

  useImperativeHandle(
    ref,
    () => ({
      refresh: async () => {
        // what is open now, parents before children
        const loaded: string[] = [];
        const walk = (list: readonly TreeNodeData[]) => {
          for (const node of list) if (node.children) loaded.push(node.value);
          for (const node of list) if (node.children) walk(node.children);
        };
        walk(nodesRef.current);
        const [roots, ...children] = await Promise.all([
          fetchChildren(queryClient, null, true),
          ...loaded.map((id) => fetchChildren(queryClient, id, true).catch(() => null)),
        ]);
        setNodes((previous) => {
          let next = replaceRoots(previous, roots ?? []);
          loaded.forEach((id, index) => {
            const list = children[index];
            if (list) next = replaceChildren(next, id, list);
          });
          return next;
        });
      },
      reveal: async (ancestorIds) => {
        try {
          // every level at once: one round trip on a slow line
          const [roots, ...lists] = await Promise.all([
            fetchChildren(queryClient, null),
            ...ancestorIds.map((id) => fetchChildren(queryClient, id)),
          ]);
          setNodes((previous) => {
            let next = replaceRoots(previous, roots ?? []);
            ancestorIds.forEach((id, index) => {
              const list = lists[index];
              if (list) next = replaceChildren(next, id, list);
            });
            return next;
          });
          setExpanded((previous) => {
            const next = { ...previous };
            for (const id of ancestorIds) next[id] = true;
            return next;
          });
        } catch (error) {
          setLoadError(error);
        }
      },
    }),
    [loadChildren, queryClient],
  );

  // bring the chosen unit into view once it is in the tree (e.g. after a link opened its path)
  const scrolledTo = useRef<string | null>(null);
  useEffect(() => {
    if (!selectedId || scrolledTo.current === selectedId) return;
    const element = document.querySelector(`[role=treeitem][data-value="${CSS.escape(selectedId)}"]`);
    if (element) {
      scrolledTo.current = selectedId;
      element.scrollIntoView({ block: 'nearest' });
    }
  }, [selectedId, nodes, expanded]);

  const choose = (value: string | null | undefined, activate = false) => {
    if (!value || disabledIds.includes(value)) return;
    const node = findNode(nodesRef.current, value);
    const org = node && orgOf(node);
    if (!org) return;
    onSelect(org);
    if (activate) onActivate?.(org);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (event.key !== 'Enter') return;
    const item = (event.target as HTMLElement).closest('[role=treeitem]');
    if (!item) return;
    event.preventDefault();
    choose(item.getAttribute('data-value'), true);
  };

  if (roots.isError) return <ErrorAlert error={roots.error} onRetry={() => void roots.refetch()} />;
  if (roots.isPending) return <Loader size="sm" aria-label={t('common.loading')} />;
  if (nodes.length === 0) return <Text c="dimmed">{t('orgs.empty')}</Text>;

  return (
    <>
      {loadError ? <ErrorAlert error={loadError} /> : null}
      <Tree
        data={nodes}
        tree={tree}
        aria-label={label}
        expandOnClick={false}
        levelOffset="md"
        onKeyDown={onKeyDown}
        renderNode={({ node, expanded: isOpen, hasChildren, selected, elementProps }) => {
          const org = orgOf(node);
          const disabled = disabledIds.includes(node.value);
          const isLoading = loading.has(node.value);
          return (
            <Group
              {...elementProps}
              gap={4}
              wrap="nowrap"
              py={3}
              pr="xs"
              onClick={(event) => {
                event.stopPropagation();
                (event.currentTarget.closest('[role=treeitem]') as HTMLElement | null)?.focus();
                choose(node.value);
              }}
              style={{
                ...elementProps.style,
                cursor: disabled ? 'not-allowed' : 'pointer',
                borderRadius: 4,
                background: selected ? 'var(--mantine-color-blue-light)' : undefined,
                opacity: disabled ? 0.5 : 1,
              }}
            >
              {hasChildren ? (
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  size="sm"
                  tabIndex={-1}
                  aria-hidden="true"
                  onClick={(event) => {
                    event.stopPropagation();
                    tree.toggleExpanded(node.value);
                  }}
                >
                  {isLoading ? <Loader size={12} /> : <Chevron open={isOpen} />}
                </ActionIcon>
              ) : (
                <span style={{ display: 'inline-block', width: 22 }} aria-hidden="true" />
              )}
              <Text size="sm" fw={selected ? 600 : 400} style={{ flex: 1, minWidth: 0 }} truncate title={org?.name}>
                {node.value && org ? org.name : node.label}
              </Text>
              {org?.closed && (
                <Badge size="xs" color="gray" variant="light" tt="none">
                  {t('orgs.closed')}
                </Badge>
              )}
              {org && (
                <Badge size="sm" variant="light" color="gray" title={t('orgs.memberCount', { count: org.memberCount })}>
                  <span aria-hidden="true">{formatNumber(org.memberCount)}</span>
                  <VisuallyHidden>{t('orgs.memberCount', { count: org.memberCount })}</VisuallyHidden>
                </Badge>
              )}
            </Group>
          );
        }}
      />
    </>
  );
}
