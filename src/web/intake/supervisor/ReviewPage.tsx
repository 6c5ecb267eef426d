import { Button, Checkbox, Drawer, Group, Loader, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { todayInVietnam } from '../../../common/dates.ts';
import { ErrorAlert } from '../../common/ErrorAlert.tsx';
import { useUrlParams } from '../../common/urlParams.ts';
import { formatDate, parseTypedDate } from '../../format.ts';
import { usePoints } from '../../planning/queries.ts';
import { DOSSIER_STATES, type DossierSummary, type QueueQuery } from './api.ts';
import { DossierPanel } from './DossierPanel.tsx';
import { addDays, isState, STATE_KEYS } from './labels.ts';
import { PaceTable } from './PaceTable.tsx';
import { usePace, useQueue } from './queries.ts';
import { QueuePager, QueueTable } from './QueueTable.tsx';
import { usePageTitle } from '../../common/usePageTitle.ts';

/** "All states" in the state filter; without a state in the URL the queue shows what waits for review. */
const ALL = 'all';

/** The day of the pace table, typed dd/mm/yyyy; applied on Enter or when the field is left. */
function DayField({ date, onChange }: { date: string; onChange: (date: string) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(formatDate(date));
  const [error, setError] = useState<string | undefined>();
  useEffect(() => setText(formatDate(date)), [date]);
  const apply = () => {
    const parsed = parseTypedDate(text);
    if (parsed.kind !== 'date') {
      setError(t('review.pace.badDate'));
      return;
    }
    setError(undefined);
    onChange(parsed.iso);
  };
  return (
    <Group align="flex-end" gap="xs">
      <Button variant="default" onClick={() => onChange(addDays(date, -1))} aria-label={t('review.pace.previousDay')}>
        ‹
      </Button>
      <TextInput
        label={t('review.pace.date')}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        onBlur={apply}
        onKeyDown={(event) => {
          if (event.key === 'Enter') apply();
        }}
        error={error}
        w={140}
      />
      <Button variant="default" onClick={() => onChange(addDays(date, 1))} aria-label={t('review.pace.nextDay')}>
        ›
      </Button>
    </Group>
  );
}

/** Duyệt hồ sơ: the queue of dossiers with filters (in the URL), one dossier in a drawer, and the officers' pace. */
export default function ReviewPage() {
  const { t } = useTranslation();
  const [params, update] = useUrlParams();
  const stateParam = params.get('state');
  const state = stateParam === ALL ? undefined : isState(stateParam) ? stateParam : 'confirmed';
  const conflicts = params.get('conflicts') === 'true';
  const pointId = params.get('pointId') ?? undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const date = params.get('date') ?? todayInVietnam();

  const query: QueueQuery = useMemo(() => ({ page, conflicts, ...(state ? { state } : {}), ...(pointId ? { pointId } : {}) }), [page, conflicts, state, pointId]);
  const queue = useQueue(query);
  const pace = usePace(date, pointId);
  const points = usePoints(undefined);
  const [selected, setSelected] = useState<DossierSummary | null>(null);

  usePageTitle(t('review.title'));

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('review.title')}
      </Title>
      <Text size="sm" c="dimmed" maw={900}>
        {t('review.intro')}
      </Text>

      <Stack gap="xs" component="section" aria-labelledby="review-queue">
        <Title order={2} size="h4" id="review-queue">
          {t('review.queue.title')}
        </Title>
        <Paper withBorder p="md">
          <Group align="flex-end" gap="md" role="group" aria-label={t('review.queue.filters')}>
            <Select
              label={t('review.filters.state')}
              data={[{ value: ALL, label: t('review.filters.allStates') }, ...DOSSIER_STATES.map((value) => ({ value, label: t(STATE_KEYS[value]) }))]}
              value={state ?? ALL}
              onChange={(value) => update({ state: value === 'confirmed' ? undefined : (value ?? undefined) })}
              allowDeselect={false}
              w={220}
            />
            <Select
              label={t('review.filters.point')}
              data={[{ value: '', label: t('review.filters.allPoints') }, ...(points.data ?? []).map((p) => ({ value: p.id, label: p.name }))]}
              value={pointId ?? ''}
              onChange={(value) => update({ pointId: value ?? undefined })}
              allowDeselect={false}
              searchable
              w={280}
            />
            <Checkbox label={t('review.filters.conflicts')} checked={conflicts} onChange={(event) => update({ conflicts: event.currentTarget.checked ? 'true' : undefined })} mb={8} />
          </Group>
        </Paper>
        {queue.isError && <ErrorAlert error={queue.error} onRetry={() => void queue.refetch()} />}
        {queue.isPending && !queue.isError && <Loader aria-label={t('common.loading')} />}
        {queue.data && (
          <Paper withBorder p="xs">
            {queue.data.items.length === 0 ? (
              <Text p="md" c="dimmed" role="status">
                {t('review.queue.none')}
              </Text>
            ) : (
              <QueueTable items={queue.data.items} onOpen={setSelected} />
            )}
            <QueuePager data={queue.data} fetching={queue.isFetching} onPage={(next) => update({ page: next > 1 ? String(next) : undefined }, false)} />
          </Paper>
        )}
      </Stack>

      <Stack gap="xs" component="section" aria-labelledby="review-pace">
        <Title order={2} size="h4" id="review-pace">
          {t('review.pace.title')}
        </Title>
        <Text size="sm" c="dimmed" maw={900}>
          {t('review.pace.intro')}
        </Text>
        <DayField date={date} onChange={(next) => update({ date: next === todayInVietnam() ? undefined : next }, false)} />
        {pace.isError && <ErrorAlert error={pace.error} onRetry={() => void pace.refetch()} />}
        {pace.isPending && !pace.isError && <Loader aria-label={t('common.loading')} />}
        {pace.data && (
          <Paper withBorder p="xs">
            <PaceTable officers={pace.data} />
          </Paper>
        )}
      </Stack>

      <Drawer
        opened={selected !== null}
        onClose={() => setSelected(null)}
        position="right"
        size="xl"
        title={selected ? t('review.detail.title', { name: selected.fullName }) : ''}
      >
        {selected && <DossierPanel key={selected.id} id={selected.id} />}
      </Drawer>
    </Stack>
  );
}
