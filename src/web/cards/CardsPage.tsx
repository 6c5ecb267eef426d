import { Anchor, Badge, Button, Group, Modal, Paper, Select, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type SignaturePad from 'signature_pad';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { usePageTitle } from '../common/usePageTitle.ts';
import { formatDate, formatDateTime } from '../format.ts';
import { SignatureField } from '../intake/counter/SignatureField.tsx';
import { useSession } from '../session/session.ts';
import { cardPdfUrl, cardsApi, chipDataUrl, printBatchPdfUrl, type CardState, type CardView, type RevocationReason } from './api.ts';
import { roleCan } from './permissions.ts';
import { CARD_STATES, CARD_STEPS, REVOCATION_REASONS, type CardStep } from '../../cards/domain/lifecycle.ts';

const STATE_COLOURS: Record<CardState, string> = { produced: 'gray', shipped: 'blue', at_organisation: 'cyan', handed_over: 'green', revoked: 'red' };

/** Sending to the centre, producing and printing cards, each card's way to the member, and revocation. */
export default function CardsPage() {
  const { t } = useTranslation();
  usePageTitle(t('cards.title'));
  const role = useSession().data!.user.role;
  return (
    <Stack>
      <Title order={1}>{t('cards.title')}</Title>
      {roleCan(role, 'dossier.send') && <SendingPanel />}
      {roleCan(role, 'card.produce') && <ProductionPanel />}
      {roleCan(role, 'card.handover') && <ScanPanel />}
      {roleCan(role, 'card.handover') && <CardList canRevoke={roleCan(role, 'card.revoke')} />}
    </Stack>
  );
}

function SendingPanel() {
  const { t } = useTranslation();
  const session = useSession().data!;
  const queryClient = useQueryClient();
  const [province, setProvince] = useState(session.user.scope.provinceCode ?? '');
  const batches = useQuery({ queryKey: ['sending-batches'], queryFn: ({ signal }) => cardsApi.batches(signal), refetchInterval: 3000 });
  const send = useMutation({ mutationFn: () => cardsApi.send(province || undefined), onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['sending-batches'] }) });
  const resend = useMutation({ mutationFn: cardsApi.resend, onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['sending-batches'] }) });
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h3" mb="xs">
        {t('cards.sending.title')}
      </Title>
      <Group align="end">
        {session.user.scope.all && <TextInput label={t('cards.sending.province')} value={province} onChange={(e) => setProvince(e.currentTarget.value)} w={120} />}
        <Button onClick={() => send.mutate()} loading={send.isPending}>
          {t('cards.sending.send')}
        </Button>
      </Group>
      {send.data && !send.data.batch && <Text mt="xs">{t('cards.sending.nothing')}</Text>}
      {send.error && <ErrorAlert error={send.error} />}
      {batches.error && <ErrorAlert error={batches.error} />}
      <Table mt="sm" aria-label={t('cards.sending.batches')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('cards.sending.created')}</Table.Th>
            <Table.Th>{t('cards.sending.dossiers')}</Table.Th>
            <Table.Th>{t('cards.sending.state')}</Table.Th>
            <Table.Th>{t('cards.sending.answer')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(batches.data?.items ?? []).map((b) => (
            <Table.Tr key={b.id}>
              <Table.Td>{formatDateTime(b.createdAt)}</Table.Td>
              <Table.Td>{b.dossiers}</Table.Td>
              <Table.Td>
                <Badge color={b.state === 'acknowledged' ? 'green' : b.state === 'refused' ? 'red' : 'blue'}>{t(`cards.sending.states.${b.state}`)}</Badge>
              </Table.Td>
              <Table.Td>{b.state === 'acknowledged' ? t('cards.sending.receipt', { accepted: b.accepted, conflicts: b.conflicts }) : (b.lastError ?? (b.attempts ? t('cards.sending.retrying', { attempts: b.attempts }) : ''))}</Table.Td>
              <Table.Td>
                {b.state === 'refused' && (
                  <Button size="xs" variant="default" onClick={() => resend.mutate(b.id)}>
                    {t('cards.sending.resend')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function ProductionPanel() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const printBatches = useQuery({ queryKey: ['print-batches'], queryFn: ({ signal }) => cardsApi.printBatches(signal) });
  const produce = useMutation({
    mutationFn: cardsApi.produce,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['print-batches'] });
      void queryClient.invalidateQueries({ queryKey: ['cards'] });
    },
  });
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h3" mb="xs">
        {t('cards.production.title')}
      </Title>
      <Button onClick={() => produce.mutate()} loading={produce.isPending}>
        {t('cards.production.produce')}
      </Button>
      {produce.data && <Text mt="xs">{t('cards.production.done', { cards: produce.data.cards, batches: produce.data.printBatches.length })}</Text>}
      {produce.data && produce.data.problems.length > 0 && (
        <Stack gap={2} mt="xs" role="list" aria-label={t('cards.production.problems')}>
          <Text c="orange.8">{t('cards.production.problems')}</Text>
          {produce.data.problems.map((p) => (
            <Text key={p.dossierId} size="sm" role="listitem">
              {t('cards.production.problem', { personalId: p.personalId, problem: p.message })}
            </Text>
          ))}
        </Stack>
      )}
      {produce.error && <ErrorAlert error={produce.error} />}
      <Table mt="sm" aria-label={t('cards.production.printBatches')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('cards.production.area')}</Table.Th>
            <Table.Th>{t('cards.production.cards')}</Table.Th>
            <Table.Th>{t('cards.production.created')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(printBatches.data?.items ?? []).map((b) => (
            <Table.Tr key={b.id}>
              <Table.Td>{b.areaName}</Table.Td>
              <Table.Td>{b.cards}</Table.Td>
              <Table.Td>{formatDateTime(b.createdAt)}</Table.Td>
              <Table.Td>
                <Group gap="xs">
                  <Anchor href={printBatchPdfUrl(b.id)} download>
                    {t('cards.production.pdf')}
                  </Anchor>
                  <Anchor href={chipDataUrl(b.id)} download>
                    {t('cards.production.chipData')}
                  </Anchor>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function ScanPanel() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const [step, setStep] = useState<CardStep>('shipped');
  const [signedAt, setSignedAt] = useState<string | null>(null);
  const pad = useRef<SignaturePad | null>(null);
  const scan = useMutation({
    mutationFn: () => cardsApi.scan({ code, step, signature: step === 'handed_over' && pad.current && !pad.current.isEmpty() ? pad.current.toDataURL('image/png').split(',')[1] : undefined }),
    onSuccess: () => {
      setCode('');
      void queryClient.invalidateQueries({ queryKey: ['cards'] });
    },
  });
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h3" mb="xs">
        {t('cards.scan.title')}
      </Title>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          scan.mutate();
        }}
      >
        <Stack gap="xs">
          <Group align="end">
            <TextInput label={t('cards.scan.code')} description={t('cards.scan.hint')} value={code} onChange={(e) => setCode(e.currentTarget.value)} w={420} />
            <Select label={t('cards.scan.step')} data={CARD_STEPS.map((s) => ({ value: s, label: t(`cards.states.${s}`) }))} value={step} onChange={(v) => v && setStep(v as CardStep)} allowDeselect={false} w={220} />
            <Button type="submit" loading={scan.isPending} disabled={!code.trim()}>
              {t('cards.scan.record')}
            </Button>
          </Group>
          {step === 'handed_over' && <SignatureField onChange={setSignedAt} resetKey={code} padRef={pad} />}
          {step === 'handed_over' && !signedAt && <Text size="sm" c="dimmed">{t('cards.scan.signHint')}</Text>}
        </Stack>
      </form>
      {scan.error && <ErrorAlert error={scan.error} />}
      {scan.data && <Text mt="xs">{t('cards.scan.done', { cardNumber: scan.data.cardNumber, state: t(`cards.states.${scan.data.state}`) })}</Text>}
    </Paper>
  );
}

function CardList({ canRevoke }: { canRevoke: boolean }) {
  const { t } = useTranslation();
  const [state, setState] = useState<CardState | null>(null);
  const [revoking, setRevoking] = useState<CardView | null>(null);
  const cards = useQuery({ queryKey: ['cards', state], queryFn: ({ signal }) => cardsApi.cards({ state: state ?? undefined, page: 1 }, signal) });
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h3">
          {t('cards.list.title')}
        </Title>
        <Select
          aria-label={t('cards.list.state')}
          placeholder={t('cards.list.allStates')}
          clearable
          data={CARD_STATES.map((s) => ({ value: s, label: t(`cards.states.${s}`) }))}
          value={state}
          onChange={(v) => setState(v as CardState | null)}
          w={220}
        />
      </Group>
      {cards.error && <ErrorAlert error={cards.error} />}
      <Table aria-label={t('cards.list.title')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('cards.list.number')}</Table.Th>
            <Table.Th>{t('cards.list.name')}</Table.Th>
            <Table.Th>{t('cards.list.organisation')}</Table.Th>
            <Table.Th>{t('cards.list.issued')}</Table.Th>
            <Table.Th>{t('cards.list.state')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(cards.data?.items ?? []).map((c) => (
            <Table.Tr key={c.cardNumber}>
              <Table.Td>{c.cardNumber}</Table.Td>
              <Table.Td>{c.fullName}</Table.Td>
              <Table.Td>{c.organisationName}</Table.Td>
              <Table.Td>{formatDate(c.issuedOn)}</Table.Td>
              <Table.Td>
                <Badge color={STATE_COLOURS[c.state]}>{t(`cards.states.${c.state}`)}</Badge>
              </Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Anchor href={cardPdfUrl(c.cardNumber)} download aria-label={t('cards.list.pdfOf', { name: c.fullName })}>
                    {t('cards.list.pdf')}
                  </Anchor>
                  {canRevoke && c.state !== 'revoked' && (
                    <Button size="xs" variant="subtle" color="red" onClick={() => setRevoking(c)} aria-label={t('cards.revoke.of', { name: c.fullName })}>
                      {t('cards.revoke.action')}
                    </Button>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {cards.data && <Text size="sm" c="dimmed">{t('cards.list.total', { count: cards.data.total })}</Text>}
      <RevokeDialog card={revoking} onClose={() => setRevoking(null)} />
    </Paper>
  );
}

function RevokeDialog({ card, onClose }: { card: CardView | null; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState<RevocationReason>('lost');
  const [note, setNote] = useState('');
  const revoke = useMutation({
    mutationFn: () => cardsApi.revoke(card!.cardNumber, { reason, note: note.trim() || undefined }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['cards'] });
      setNote('');
      onClose();
    },
  });
  return (
    <Modal opened={card !== null} onClose={onClose} title={card ? t('cards.revoke.title', { cardNumber: card.cardNumber, name: card.fullName }) : ''}>
      <Stack>
        <Select label={t('cards.revoke.reason')} data={REVOCATION_REASONS.map((r) => ({ value: r, label: t(`cards.reasons.${r}`) }))} value={reason} onChange={(v) => v && setReason(v as RevocationReason)} allowDeselect={false} />
        <Textarea label={t('cards.revoke.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={500} />
        <Text size="sm" c="dimmed">
          {t('cards.revoke.warning')}
        </Text>
        {revoke.error && <ErrorAlert error={revoke.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('cards.revoke.cancel')}
          </Button>
          <Button color="red" onClick={() => revoke.mutate()} loading={revoke.isPending}>
            {t('cards.revoke.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
