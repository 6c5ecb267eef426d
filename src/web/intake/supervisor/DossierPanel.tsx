import { Alert, Badge, Button, Group, Image, List, Loader, Paper, SimpleGrid, Stack, Table, Text, Textarea, Timeline, Title } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../common/ErrorAlert.tsx';
import { fieldMessages } from '../../common/errors.ts';
import { formatBirth, formatDateTime } from '../../format.ts';
import { imageUrl, receiptUrl, type DossierDetail, type DossierSummary } from './api.ts';
import { compareData, fieldKey, reasonError, shownValue, STATE_KEYS, STEP_KEYS } from './labels.ts';
import { useDossier, useReview } from './queries.ts';
import { PhotoCheckBadge, StateBadge } from './QueueTable.tsx';

/** "dd/mm/yyyy HH:mm (máy: dd/mm/yyyy HH:mm)": the server's clock, and the device's beside it when it sent one. */
function Times({ at, deviceAt }: { at: string; deviceAt: string | null }) {
  const { t } = useTranslation();
  return (
    <Text size="xs" c="dimmed">
      {t('review.detail.serverTime', { time: formatDateTime(at) })}
      {deviceAt ? ` · ${t('review.detail.deviceTime', { time: formatDateTime(deviceAt) })}` : ''}
    </Text>
  );
}

/** The photo and the signature, loaded from the server (never cached by it). */
function Images({ dossier }: { dossier: Pick<DossierSummary, 'id' | 'fullName' | 'signature'> }) {
  const { t } = useTranslation();
  return (
    <Group align="flex-start" gap="md">
      <Image src={imageUrl(dossier.id, 'photo')} alt={t('review.detail.photoAlt', { name: dossier.fullName })} w={150} h={200} fit="contain" radius="sm" bd="1px solid gray.4" />
      <Stack gap={4}>
        {dossier.signature !== 'paper' && (
          <Image src={imageUrl(dossier.id, 'signature')} alt={t(dossier.signature === 'pad' ? 'review.detail.signatureAlt' : 'review.detail.scanAlt', { name: dossier.fullName })} w={300} h={dossier.signature === 'pad' ? 100 : 400} fit="contain" radius="sm" bd="1px solid gray.4" bg="white" />
        )}
        {dossier.signature !== 'pad' && <Text size="sm">{t(`review.detail.signedOnPaper.${dossier.signature}`)}</Text>}
      </Stack>
    </Group>
  );
}

function PhotoCheckAlert({ dossier }: { dossier: DossierSummary }) {
  const { t } = useTranslation();
  const check = dossier.photoCheck;
  if (!check) return <Text size="sm" c="dimmed">{t('review.photoCheck.pendingLong')}</Text>;
  return (
    <Alert color={check.ok ? 'green' : 'red'} variant="light" title={check.ok ? t('review.photoCheck.okLong') : t('review.photoCheck.refusedLong')}>
      {check.issues.length > 0 && (
        <List size="sm">
          {check.issues.map((issue) => (
            <List.Item key={issue.code}>{issue.message}</List.Item>
          ))}
        </List>
      )}
      <Text size="xs" c="dimmed">
        {t('review.photoCheck.checkedAt', { time: formatDateTime(check.checkedAt) })}
      </Text>
    </Alert>
  );
}

/** Approve, or return with a reason (required, said under the field); print the member's receipt. */
function Actions({ dossier }: { dossier: DossierDetail }) {
  const { t } = useTranslation();
  const review = useReview(dossier.id);
  const [reason, setReason] = useState('');
  const [reasonMessage, setReasonMessage] = useState<string | undefined>();
  const [done, setDone] = useState<'approved' | 'returned' | null>(null);
  const photoRefused = dossier.photoCheck?.ok === false;
  const waiting = dossier.state === 'confirmed';

  const approve = () => {
    setReasonMessage(undefined);
    review.mutate({ approve: true }, { onSuccess: () => setDone('approved') });
  };
  const sendBack = (event: FormEvent) => {
    event.preventDefault();
    const error = reasonError(reason);
    if (error) {
      setReasonMessage(t(error));
      document.getElementById('review-reason')?.focus();
      return;
    }
    setReasonMessage(undefined);
    review.mutate(
      { approve: false, reason: reason.trim() },
      {
        onSuccess: () => setDone('returned'),
        onError: (failure) => setReasonMessage(fieldMessages(failure).reason),
      },
    );
  };

  return (
    <Stack gap="sm">
      {done && (
        <Alert color="green" variant="light" role="status">
          {t(done === 'approved' ? 'review.actions.approvedDone' : 'review.actions.returnedDone')}
        </Alert>
      )}
      {review.error && !reasonMessage ? <ErrorAlert error={review.error} knownFields={['reason']} /> : null}
      {waiting && (
        <>
          {photoRefused && (
            <Text size="sm" c="red.8">
              {t('review.actions.photoRefused')}
            </Text>
          )}
          <form onSubmit={sendBack} noValidate aria-label={t('review.actions.formLabel')}>
            <Stack gap="xs">
              <Textarea
                id="review-reason"
                label={t('review.actions.reason')}
                description={t('review.actions.reasonHint')}
                value={reason}
                onChange={(event) => setReason(event.currentTarget.value)}
                error={reasonMessage}
                maxLength={500}
                autosize
                minRows={2}
              />
              <Group gap="sm">
                <Button type="button" color="green" onClick={approve} disabled={photoRefused} loading={review.isPending && review.variables?.approve === true}>
                  {t('review.actions.approve')}
                </Button>
                <Button type="submit" color="orange" variant="light" loading={review.isPending && review.variables?.approve === false}>
                  {t('review.actions.return')}
                </Button>
              </Group>
            </Stack>
          </form>
        </>
      )}
      <Group>
        <Button component="a" href={receiptUrl(dossier.id)} target="_blank" rel="noreferrer" variant="default">
          {t('review.actions.receipt')}
        </Button>
      </Group>
    </Stack>
  );
}

/** This dossier and another of the same member, side by side: who took them, where, when, and the data. */
function ConflictPair({ dossier, other }: { dossier: DossierDetail; other: DossierDetail['others'][number] }) {
  const { t } = useTranslation();
  const facts: [string, (d: DossierSummary) => string][] = [
    [t('review.columns.state'), (d) => t(STATE_KEYS[d.state])],
    [t('review.columns.place'), (d) => d.pointName ?? d.mobileTeamName ?? '—'],
    [t('review.columns.officer'), (d) => d.officerName ?? '—'],
    [t('review.columns.received'), (d) => formatDateTime(d.receivedAt)],
    [t('review.columns.deviceTime'), (d) => formatDateTime(d.deviceSubmittedAt) || '—'],
    [t('review.columns.photoCheck'), (d) => (d.photoCheck ? t(d.photoCheck.ok ? 'review.photoCheck.ok' : 'review.photoCheck.refused') : t('review.photoCheck.pending'))],
  ];
  const rows = compareData(dossier.data, other.data);
  return (
    <Stack gap="xs">
      <SimpleGrid cols={2}>
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {t('review.conflict.this')}
          </Text>
          <Images dossier={dossier} />
        </Stack>
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {t('review.conflict.other')}
          </Text>
          <Images dossier={other} />
        </Stack>
      </SimpleGrid>
      <Table withTableBorder withColumnBorders verticalSpacing={4} aria-label={t('review.conflict.label')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col" />
            <Table.Th scope="col">{t('review.conflict.this')}</Table.Th>
            <Table.Th scope="col">{t('review.conflict.other')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {facts.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Th scope="row">{label}</Table.Th>
              <Table.Td>{value(dossier)}</Table.Td>
              <Table.Td>{value(other)}</Table.Td>
            </Table.Tr>
          ))}
          {rows.map((row) => {
            const key = fieldKey(row.field);
            return (
              <Table.Tr key={row.field} bg={row.differs ? 'yellow.0' : undefined}>
                <Table.Th scope="row">{key ? t(key) : row.field}</Table.Th>
                <Table.Td>{row.left}</Table.Td>
                <Table.Td>{row.right}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Stack gap="xs" component="section" aria-labelledby={id}>
      <Title order={3} size="h5" id={id}>
        {title}
      </Title>
      {children}
    </Stack>
  );
}

/** One dossier for review: identity, images, photo check, steps, corrections, data, conflict pair, and the decision. */
export function DossierPanel({ id }: { id: string }) {
  const { t } = useTranslation();
  const query = useDossier(id);
  if (query.isError) return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data) return <Loader aria-label={t('common.loading')} />;
  const dossier = query.data;
  const label = (field: string) => {
    const key = fieldKey(field);
    return key ? t(key) : field;
  };

  return (
    <Stack gap="md">
      <Group gap="sm">
        <StateBadge state={dossier.state} />
        <PhotoCheckBadge check={dossier.photoCheck} />
        {dossier.conflict && (
          <Badge color="red" variant="filled" tt="none">
            {t('review.conflict.badge')}
          </Badge>
        )}
      </Group>
      <Paper withBorder p="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          {(
            [
              [t('fields.personalId'), dossier.personalId],
              [t('fields.dateOfBirth'), formatBirth(dossier.dateOfBirth, dossier.birthYear)],
              [t('fields.gender'), t(`gender.${dossier.gender}`)],
              [t('review.columns.unit'), dossier.organisationName],
              [t('review.columns.place'), dossier.pointName ?? dossier.mobileTeamName ?? '—'],
              [t('review.columns.officer'), dossier.officerName ?? '—'],
              [t('review.columns.received'), formatDateTime(dossier.receivedAt)],
              [t('review.columns.deviceTime'), formatDateTime(dossier.deviceSubmittedAt) || '—'],
            ] as const
          ).map(([name, value]) => (
            <div key={name}>
              <Text size="xs" c="dimmed">
                {name}
              </Text>
              <Text size="sm">{value}</Text>
            </div>
          ))}
        </SimpleGrid>
        {dossier.returnReason && (
          <Text size="sm" mt="xs" c="orange.8">
            {t('review.detail.returnReason', { reason: dossier.returnReason })}
          </Text>
        )}
        {dossier.centreConflict && (
          <Text size="sm" mt="xs" c="red.8">
            {t(`review.detail.centreConflict.${dossier.centreConflict.reason}`, { province: dossier.centreConflict.acceptedProvinceCode, dossier: dossier.centreConflict.acceptedDossierId })}
          </Text>
        )}
      </Paper>

      <Section id="review-decision" title={t('review.actions.title')}>
        <Actions dossier={dossier} />
      </Section>

      <Section id="review-images" title={t('review.detail.images')}>
        <Images dossier={dossier} />
        <PhotoCheckAlert dossier={dossier} />
      </Section>

      <Section id="review-steps" title={t('review.detail.steps')}>
        <Timeline bulletSize={14} lineWidth={2} active={dossier.steps.length - 1}>
          {dossier.steps.map((step) => (
            <Timeline.Item key={step.step} title={t(STEP_KEYS[step.step])}>
              <Text size="sm">{step.by.name}</Text>
              <Times at={step.at} deviceAt={step.deviceAt} />
            </Timeline.Item>
          ))}
        </Timeline>
        <Title order={4} size="h6">
          {t('review.detail.transitions')}
        </Title>
        <List size="sm" spacing={4}>
          {dossier.transitions.map((transition, index) => (
            <List.Item key={index}>
              {t('review.detail.transition', { from: t(STATE_KEYS[transition.from]), to: t(STATE_KEYS[transition.to]), name: transition.by.name })}
              {transition.reason ? ` — ${transition.reason}` : ''}
              <Times at={transition.at} deviceAt={transition.deviceAt} />
            </List.Item>
          ))}
        </List>
      </Section>

      <Section id="review-corrections" title={t('review.detail.corrections')}>
        {dossier.corrections.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('review.detail.noCorrections')}
          </Text>
        ) : (
          <Table verticalSpacing={4} aria-labelledby="review-corrections">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('review.detail.field')}</Table.Th>
                <Table.Th scope="col">{t('review.detail.oldValue')}</Table.Th>
                <Table.Th scope="col">{t('review.detail.newValue')}</Table.Th>
                <Table.Th scope="col">{t('review.detail.when')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {dossier.corrections.map((correction, index) => (
                <Table.Tr key={index}>
                  <Table.Td>{label(correction.field)}</Table.Td>
                  <Table.Td>
                    <Text size="sm" td="line-through" c="dimmed">
                      {shownValue(correction.old)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{shownValue(correction.new)}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{correction.by.name}</Text>
                    <Times at={correction.at} deviceAt={correction.deviceAt} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>

      <Section id="review-data" title={t('review.detail.data')}>
        {Object.keys(dossier.data).length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('review.detail.noData')}
          </Text>
        ) : (
          <Table verticalSpacing={4} aria-labelledby="review-data">
            <Table.Tbody>
              {Object.entries(dossier.data).map(([field, value]) => (
                <Table.Tr key={field}>
                  <Table.Th scope="row" w="40%">
                    {label(field)}
                  </Table.Th>
                  <Table.Td>{shownValue(value)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>

      {dossier.others.length > 0 && (
        <Section id="review-conflict" title={t('review.conflict.title', { count: dossier.others.length })}>
          {dossier.conflict && (
            <Text size="sm" c="red.8">
              {t('review.conflict.explain')}
            </Text>
          )}
          {dossier.others.map((other) => (
            <ConflictPair key={other.id} dossier={dossier} other={other} />
          ))}
        </Section>
      )}
    </Stack>
  );
}
