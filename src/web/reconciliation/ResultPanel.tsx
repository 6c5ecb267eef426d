import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { formatDateTime } from '../format.ts';
import { useCurrentUser } from '../session/session.ts';
import type { ResultStatus, ResultView } from './api.ts';
import { DecisionModal } from './DecisionModal.tsx';
import { DifferencesTable } from './Differences.tsx';
import { DECISION_STATE_COLORS, DECISION_STATE_KEYS, decisionState, STATUS_COLORS, STATUS_KEYS } from './labels.ts';
import { canCheckRegister, canDecide } from './permissions.ts';
import { useLiveCheck, useMemberReconciliation } from './queries.ts';

export function StatusBadge({ status }: { status: ResultStatus | null }) {
  const { t } = useTranslation();
  return (
    <Badge color={status ? STATUS_COLORS[status] : 'gray'} variant="light" tt="none">
      {status ? t(STATUS_KEYS[status]) : t('reconciliation.status.unchecked')}
    </Badge>
  );
}

/** Whether the card intake may be confirmed for this member: the counter's question. */
export function IntakeBadge({ blocked }: { blocked: boolean }) {
  const { t } = useTranslation();
  return (
    <Badge color={blocked ? 'red' : 'green'} variant="filled" tt="none" size="lg" data-testid="intake-state">
      {blocked ? t('reconciliation.intakeBlocked') : t('reconciliation.intakeFree')}
    </Badge>
  );
}

export function DecisionBadge({ result }: { result: Pick<ResultView, 'open' | 'decision'> }) {
  const { t } = useTranslation();
  const state = decisionState(result);
  return (
    <Badge color={DECISION_STATE_COLORS[state]} variant={state === 'none' ? 'outline' : 'light'} tt="none">
      {t(DECISION_STATE_KEYS[state])}
    </Badge>
  );
}

interface Props {
  memberId: string;
  /** What the list already knows, shown until the member's own answer arrives. */
  placeholder?: ResultView;
  /** Show a link to the member's record (not on the record itself). */
  memberLink?: boolean;
  /** Called when a decision changed the party record ("correct"). */
  onRecordChanged?: () => void;
}

/**
 * One member's cross-check: the result, whether intake is blocked, the differences side by side, the decision,
 * and the actions (check now, decide). Used in the results drawer and on the member's page.
 */
export function ResultPanel({ memberId, placeholder, memberLink = false, onRecordChanged }: Props) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const query = useMemberReconciliation(memberId, placeholder ? { result: placeholder, intakeBlocked: placeholder.intakeBlocked } : undefined);
  const check = useLiveCheck(memberId);
  const [deciding, setDeciding] = useState(false);
  const [decided, setDecided] = useState(false);

  if (query.isPending) return <Loader aria-label={t('common.loading')} />;
  if (query.isError) return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;

  const { result, intakeBlocked } = query.data;
  // an awaiting check is decided on once the register has answered
  const mayDecide = result !== null && result.open && result.status !== 'awaiting' && canDecide(user.role);

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="center">
        <Group gap="xs">
          <StatusBadge status={result?.status ?? null} />
          {result && <DecisionBadge result={result} />}
        </Group>
        <Group gap={6}>
          <Text size="sm">{t('reconciliation.intakeLabel')}</Text>
          <IntakeBadge blocked={intakeBlocked} />
        </Group>
      </Group>
      {result && (
        <Text size="xs" c="dimmed">
          {t('reconciliation.checkedAt', { at: formatDateTime(result.checkedAt) })}
          {memberLink && (
            <>
              {' · '}
              <Anchor component={Link} href={`/members/${encodeURIComponent(memberId)}`} size="xs">
                {t('reconciliation.openMember')}
              </Anchor>
            </>
          )}
        </Text>
      )}

      {decided && (
        <Alert color="green" variant="light" role="status" withCloseButton onClose={() => setDecided(false)}>
          {t('reconciliation.decision.saved')}
        </Alert>
      )}
      {check.error ? <ErrorAlert error={check.error} /> : null}

      {result === null && <Text size="sm">{t('reconciliation.never')}</Text>}
      {result?.status === 'matched' && <Text size="sm">{t('reconciliation.matchedText')}</Text>}
      {result?.status === 'awaiting' && (
        <Alert color="gray" variant="light">
          {t('reconciliation.awaitingText')}
        </Alert>
      )}
      {result?.status === 'not_found' && (
        <Alert color="orange" variant="light">
          {t('reconciliation.notFoundText', { personalId: result.personalId ?? '' })}
        </Alert>
      )}
      {result && result.differences.length > 0 && (
        <DifferencesTable
          differences={result.differences}
          decided={result.decision !== null}
          label={t('reconciliation.differencesLabel', { name: result.fullName })}
        />
      )}

      {result?.decision && (
        <Paper withBorder p="sm" bg="gray.0" aria-label={t('reconciliation.decision.heading')} component="section">
          <Text size="sm" fw={600}>
            {t('reconciliation.decision.heading')}: {t(DECISION_STATE_KEYS[result.decision.kind])}
          </Text>
          <Text size="sm">
            {t('reconciliation.decision.by', { by: result.decision.decidedBy, on: formatDateTime(result.decision.decidedAt) })}
          </Text>
          {result.decision.reason && <Text size="sm">{t('reconciliation.decision.because', { reason: result.decision.reason })}</Text>}
        </Paper>
      )}

      <Group gap="sm">
        {mayDecide && <Button onClick={() => setDeciding(true)}>{t('reconciliation.decide')}</Button>}
        {canCheckRegister(user.role) && (
          <Button variant="default" loading={check.isPending} onClick={() => check.mutate()}>
            {t('reconciliation.checkNow')}
          </Button>
        )}
      </Group>

      {result && (
        <DecisionModal
          opened={deciding}
          result={result}
          onClose={() => setDeciding(false)}
          onDecided={(answer) => {
            setDeciding(false);
            setDecided(true);
            if (answer.result?.decision?.kind === 'corrected') onRecordChanged?.();
          }}
        />
      )}
    </Stack>
  );
}
