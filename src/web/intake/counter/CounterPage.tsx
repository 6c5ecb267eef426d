import { Alert, Badge, Button, Grid, Group, Kbd, List, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type SignaturePad from 'signature_pad';
import { ApiError } from '../../api.ts';
import { todayInVietnam } from '../../../common/dates.ts';
import { ErrorAlert } from '../../common/ErrorAlert.tsx';
import { useCurrentUser } from '../../session/session.ts';
import { usePageTitle } from '../../common/usePageTitle.ts';
import { formatBirth, formatDate, formatDateTime } from '../../format.ts';
import { DifferencesTable } from '../../reconciliation/Differences.tsx';
import { counterApi, type CounterDay, type CounterMember, type Station } from './api.ts';
import { admit, buildSubmission, confirmedData, correction, CORRECTABLE, crossCheckState, interpretScan, missingSteps, searchByName, type CorrectableField, type Correction, type Refusal, type Steps } from './counterLogic.ts';
import { syncOutbox, type Acknowledged } from './outbox.ts';
import { loadFaceModel } from '../face.ts';
import { PaperSignature } from './PaperSignature.tsx';
import { PhotoCapture } from './PhotoCapture.tsx';
import { QrCameraScan } from '../../common/QrCameraScan.tsx';
import { signatureBlob, SignatureField } from './SignatureField.tsx';
import { enqueue, importKey, loadDay, outboxEntries, readDossier, removeEntry, saveDay, updateEntry, type OutboxEntry } from './vault.ts';
import { offlineKey, offlineUser } from './offlineUnlock.ts';
import type { CardDifference, IdCard } from '../../../intake/domain/id-card-qr.ts';

/** A device id kept across sessions (not personal): the server keeps it beside each dossier. */
function deviceId(): string {
  const stored = localStorage.getItem('doithe-device-id');
  if (stored) return stored;
  const made = crypto.randomUUID();
  localStorage.setItem('doithe-device-id', made);
  return made;
}

function useOnline() {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);
  return online;
}

interface Current {
  /** Made as the member is opened: confirming twice (a double click) files the same dossier, not a second one. */
  dossierId: string;
  member: CounterMember;
  card: IdCard | null;
  qrText: string | null;
  cardDifferences: CardDifference[];
  refusal: Refusal | null;
  openedAt: string;
}

/** Quầy tiếp nhận: the officer's screen at a point or on a home visit; keeps working when the line drops. */
export default function CounterPage() {
  const { t } = useTranslation();
  const currentUser = useCurrentUser();
  const owner = currentUser.id;
  const [offlineReady, setOfflineReady] = useState(false);
  const online = useOnline();
  const confirming = useRef(false);
  const [key, setKey] = useState<CryptoKey | null>(null);
  const [keyError, setKeyError] = useState<unknown>(null);
  const [station, setStation] = useState<string | null>(null);
  const [day, setDay] = useState<CounterDay | null>(null);
  const [dayError, setDayError] = useState<unknown>(null);
  const [loadingDay, setLoadingDay] = useState(false);
  const [outbox, setOutbox] = useState<{ entry: OutboxEntry; name: string; memberId: string }[]>([]);
  const [acknowledged, setAcknowledged] = useState<Acknowledged[]>([]);
  const [scanText, setScanText] = useState('');
  const [scanMessage, setScanMessage] = useState<string | null>(null);
  const [matches, setMatches] = useState<CounterMember[]>([]);
  const [current, setCurrent] = useState<Current | null>(null);
  const [steps, setStepsState] = useState<Steps>({});
  // What was done so far, current at once: a Ctrl+Enter right after the pen lifts must see the signature even when
  // the busy page (the live photo check) has not rendered yet.
  const stepsNow = useRef<Steps>({});
  const setSteps = (next: Steps | ((s: Steps) => Steps)) => {
    stepsNow.current = typeof next === 'function' ? next(stepsNow.current) : next;
    setStepsState(stepsNow.current);
  };
  const [corrections, setCorrections] = useState<Correction[]>([]);
  const [photo, setPhoto] = useState<Blob | null>(null);
  const [signatureRound, setSignatureRound] = useState(0);
  const [paper, setPaper] = useState<{ at: string; scan: Blob | null } | null>(null);
  const [confirmMessage, setConfirmMessage] = useState<string | null>(null);
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const pad = useRef<SignaturePad | null>(null);
  const scanInput = useRef<HTMLInputElement>(null);
  const stations = useQuery({ queryKey: ['intake', 'stations'], queryFn: counterApi.stations, staleTime: Infinity });

  usePageTitle(t('counter.title'));
  useEffect(() => {
    // The photo check's model is loaded while the officer sets up, not in front of the first member.
    void loadFaceModel().catch(() => {});
    let current = true;
    const takeKey = async (imported: CryptoKey) => {
      const saved = await loadDay(imported);
      if (!current) return;
      setKey(imported);
      if (saved) {
        setDay(saved);
        setStation(`${saved.station.kind}:${saved.station.id}`);
      }
    };
    // Opened offline with the officer's password (decision 0019): the server is not there to give the key.
    const unlocked = offlineKey(currentUser.id);
    (unlocked ? takeKey(unlocked) : counterApi.key().then(async ({ key: raw }) => takeKey(await importKey(raw)))).catch((error: unknown) => {
      if (current) setKeyError(error);
    });
    offlineUser().then(
      (username) => current && setOfflineReady(username === currentUser.username),
      () => current && setOfflineReady(false),
    );
    return () => {
      current = false;
    };
  }, [currentUser.id, currentUser.username]);

  const refreshOutbox = useCallback(async () => {
    if (!key) return;
    const entries = await outboxEntries(owner);
    setOutbox(
      await Promise.all(
        entries.map(async (entry) => {
          const dossier = await readDossier(key, entry).catch(() => null);
          return { entry, name: dossier?.memberName ?? t('counter.outbox.unreadable'), memberId: dossier?.submission.memberId ?? '' };
        }),
      ),
    );
  }, [key, owner, t]);

  const sync = useCallback(async () => {
    if (!key) return;
    const done = await syncOutbox(key, owner, () => void refreshOutbox());
    // Callers that joined a pass under way get the same list: keep each dossier once.
    if (done.length) setAcknowledged((list) => [...done.filter((d) => !list.some((a) => a.receipt.dossier.id === d.receipt.dossier.id)), ...list]);
    await refreshOutbox();
  }, [key, owner, refreshOutbox]);

  // Sync when the line comes back, and every few seconds while anything waits.
  useEffect(() => {
    if (!key) return;
    void sync();
    const timer = setInterval(() => {
      if (navigator.onLine) void sync();
    }, 5000);
    window.addEventListener('online', sync);
    return () => {
      clearInterval(timer);
      window.removeEventListener('online', sync);
    };
  }, [key, sync]);

  const inOutbox = useMemo(() => new Set(outbox.map((o) => o.memberId)), [outbox]);
  const takenHere = useMemo(() => new Set(acknowledged.map((a) => a.receipt.dossier.memberId)), [acknowledged]);

  async function downloadDay() {
    if (!key || !station) return;
    const [kind, id] = station.split(':') as ['point' | 'team', string];
    setLoadingDay(true);
    setDayError(null);
    try {
      // Vietnam's day, whatever the laptop's clock zone.
      const fetched = await counterApi.day({ kind, id } satisfies Station, todayInVietnam());
      await saveDay(key, fetched);
      setDay(fetched);
      scanInput.current?.focus();
    } catch (error) {
      setDayError(error);
    } finally {
      setLoadingDay(false);
    }
  }

  function open(member: CounterMember, card: IdCard | null, qrText: string | null) {
    const admitted = admit(member, card, new Set([...inOutbox, ...takenHere]));
    const openedAt = new Date().toISOString();
    const state = crossCheckState(member, admitted.cardDifferences);
    setCurrent({ dossierId: crypto.randomUUID(), member, card, qrText, cardDifferences: admitted.cardDifferences, refusal: admitted.refusal, openedAt });
    // Register and card agree with the record: the cross-check is done as the member is opened.
    setSteps(state === 'clear' && !admitted.refusal ? { declaration: openedAt, cross_check: openedAt } : { declaration: openedAt });
    setCorrections([]);
    setPhoto(null);
    setPaper(null);
    setConfirmError(null);
    setConfirmMessage(null);
    setMatches([]);
    setScanText('');
  }

  async function lookUp(text: string) {
    setScanMessage(null);
    const scan = interpretScan(text);
    if (!scan) return;
    if (scan.kind === 'invalid') {
      setScanMessage(t(`counter.scan.${scan.code.replace('.', '_')}`, scan.params ?? {}));
      return;
    }
    if (scan.kind === 'name') {
      const found = searchByName(day?.members ?? [], scan.words);
      setMatches(found);
      if (found.length === 0) setScanMessage(t('counter.scan.noName'));
      return;
    }
    const personalId = scan.kind === 'card' ? scan.card.personalId : scan.personalId;
    const card = scan.kind === 'card' ? scan.card : null;
    const qrText = scan.kind === 'card' ? scan.qrText : null;
    const listed = day?.members.find((m) => m.personalId === personalId);
    if (listed) return open(listed, card, qrText);
    if (!navigator.onLine) {
      setScanMessage(t('counter.scan.notListedOffline'));
      return;
    }
    try {
      open(await counterApi.member(personalId), card, qrText);
    } catch (error) {
      setScanMessage(error instanceof ApiError && error.status === 404 ? t('counter.scan.notFound') : error instanceof Error ? error.message : String(error));
    }
  }

  /** Something changed after the member signed: they sign again what the data now is. */
  const invalidateSignature = () => {
    setPaper(null);
    if (steps.signature) {
      setSteps((s) => ({ ...s, signature: undefined }) as Steps);
      setSignatureRound((n) => n + 1);
    }
  };

  async function confirm() {
    if (!current || !key || !station || confirming.current) return;
    confirming.current = true;
    try {
      await confirmCurrent(current, key, station);
    } finally {
      confirming.current = false;
    }
  }

  async function confirmCurrent(current: Current, key: CryptoKey, station: string) {
    setConfirmError(null);
    const check = crossCheckState(current.member, current.cardDifferences);
    const steps = stepsNow.current;
    const missing = missingSteps(steps, check);
    if (current.refusal || missing.length || !photo || (!paper && !pad.current)) {
      setConfirmError(current.refusal ? t('counter.refused') : t('counter.missing', { steps: missing.map((s) => t(`counter.step.${s}`)).join(', ') }));
      return;
    }
    const [kind, id] = station.split(':') as ['point' | 'team', string];
    const submission = buildSubmission({ id: current.dossierId, member: current.member, station: { kind, id }, steps, corrections, qrText: current.qrText, deviceId: deviceId(), at: new Date().toISOString(), onPaper: paper !== null });
    const signature = paper ? paper.scan : await signatureBlob(pad.current!);
    await enqueue(key, owner, { submission, memberName: current.member.fullName, personalId: current.member.personalId, photo, signature });
    setConfirmMessage(t('counter.confirmed', { name: current.member.fullName }));
    setCurrent(null);
    setSteps({});
    await refreshOutbox();
    scanInput.current?.focus();
    if (navigator.onLine) void sync();
  }

  const confirmRef = useRef(confirm);
  confirmRef.current = confirm;

  // Keyboard-first: Ctrl+Enter confirms from anywhere on the screen.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.repeat && current) {
        event.preventDefault();
        void confirmRef.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [current]);

  if (keyError) return <ErrorAlert error={keyError} />;

  const stationOptions = [
    { group: t('counter.points'), items: (stations.data?.points ?? []).map((p) => ({ value: `point:${p.id}`, label: p.name })) },
    { group: t('counter.teams'), items: (stations.data?.teams ?? []).map((p) => ({ value: `team:${p.id}`, label: p.name })) },
  ];
  const check = current ? crossCheckState(current.member, current.cardDifferences) : null;
  const statusOf = (m: CounterMember) => (m.taken || takenHere.has(m.id) ? 'taken' : inOutbox.has(m.id) ? 'outbox' : 'waiting');

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('counter.title')}
        </Title>
        <Group gap="xs">
          {offlineReady && (
            <Badge color="gray" variant="light" size="lg" title={t('counter.offlineReadyHint')}>
              {t('counter.offlineReady')}
            </Badge>
          )}
          <Badge color={online ? 'green' : 'orange'} size="lg" role="status">
            {online ? t('counter.online') : t('counter.offline')}
          </Badge>
        </Group>
      </Group>

      <Paper withBorder p="sm">
        <Group align="end">
          <Select label={t('counter.station')} data={stationOptions} value={station} onChange={setStation} searchable w={320} disabled={!online} />
          <Button onClick={() => void downloadDay()} loading={loadingDay} disabled={!station || !key || !online}>
            {t('counter.download')}
          </Button>
          {day && (
            <Text size="sm" role="status">
              {t('counter.dayLoaded', { station: day.station.name, date: formatDate(day.date), count: day.members.length })}
            </Text>
          )}
        </Group>
        {dayError ? <ErrorAlert error={dayError} /> : null}
      </Paper>

      <Grid>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="sm">
            <form
              onSubmit={(event) => {
                event.preventDefault();
                void lookUp(scanText);
              }}
            >
              <Group align="end" gap="xs">
              <TextInput
                style={{ flex: 1 }}
                ref={scanInput}
                label={t('counter.scan.label')}
                description={t('counter.scan.hint')}
                value={scanText}
                onChange={(event) => setScanText(event.currentTarget.value)}
                error={scanMessage}
                autoFocus
                autoComplete="off"
              />
              <QrCameraScan onText={(text) => void lookUp(text)} />
              </Group>
            </form>
            {matches.length > 0 && (
              <Paper withBorder p="xs">
                <List>
                  {matches.map((m) => (
                    <List.Item key={m.id}>
                      <Button variant="subtle" size="compact-sm" onClick={() => open(m, null, null)}>
                        {`${m.fullName} · ${m.personalId} · ${formatBirth(m.dateOfBirth, m.birthYear)}`}
                      </Button>
                    </List.Item>
                  ))}
                </List>
              </Paper>
            )}
            {confirmMessage && (
              <Alert color="green" role="status">
                {confirmMessage}
              </Alert>
            )}
            {current && (
              <MemberPanel
                current={current}
                check={check!}
                steps={steps}
                corrections={corrections}
                signatureRound={signatureRound}
                pad={pad}
                confirmError={confirmError}
                onCrossChecked={() => {
                  invalidateSignature();
                  setSteps((s) => ({ ...s, cross_check: new Date().toISOString() }));
                }}
                onCorrect={(c) => {
                  // Data changed: the cross-check is of the data as it now is, and the signature comes after both.
                  invalidateSignature();
                  setSteps((s) => ({ ...s, cross_check: undefined }) as Steps);
                  setCorrections((list) => [...list.filter((x) => x.field !== c.field), c]);
                }}
                onPhoto={(p) => {
                  invalidateSignature();
                  setPhoto(p?.blob ?? null);
                  setSteps((s) => ({ ...s, photo: p?.at }) as Steps);
                }}
                onSignature={(at) => {
                  setPaper(null);
                  setSteps((s) => ({ ...s, signature: at ?? undefined }) as Steps);
                }}
                photo={photo}
                paper={paper}
                onPaper={(signed) => {
                  setPaper(signed);
                  setSteps((s) => ({ ...s, signature: signed?.at }) as Steps);
                }}
                onConfirm={() => void confirm()}
              />
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="sm">
            <OutboxPanel
              items={outbox}
              acknowledged={acknowledged}
              onRetry={async (id) => {
                await updateEntry(id, { state: 'pending' });
                await sync();
              }}
              onDiscard={async (id) => {
                await removeEntry(id);
                await refreshOutbox();
              }}
            />
            {day && (
              <Paper withBorder p="xs">
                <Title order={2} size="h4">
                  {t('counter.expected')}
                </Title>
                <Table aria-label={t('counter.expected')} verticalSpacing={4}>
                  <Table.Tbody>
                    {day.members.map((m) => (
                      <Table.Tr key={m.id}>
                        <Table.Td>
                          <Button variant="subtle" size="compact-xs" onClick={() => open(m, null, null)}>
                            {m.fullName}
                          </Button>
                        </Table.Td>
                        <Table.Td>
                          <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                            {m.shift ? t(`counter.shift.${m.shift}`) : ''}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="xs" fw={500} c={{ taken: 'green.8', outbox: 'blue.8', waiting: 'gray.7' }[statusOf(m)]} style={{ whiteSpace: 'nowrap' }}>
                            {t(`counter.memberState.${statusOf(m)}`)}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Paper>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

interface MemberPanelProps {
  current: Current;
  check: 'blocked' | 'clear' | 'review';
  steps: Steps;
  corrections: Correction[];
  signatureRound: number;
  pad: React.RefObject<SignaturePad | null>;
  confirmError: string | null;
  onCrossChecked: () => void;
  onCorrect: (c: Correction) => void;
  onPhoto: (photo: { blob: Blob; at: string } | null) => void;
  onSignature: (at: string | null) => void;
  photo: Blob | null;
  paper: { at: string; scan: Blob | null } | null;
  onPaper: (signed: { at: string; scan: Blob | null } | null) => void;
  onConfirm: () => void;
}

function MemberPanel({ current, check, steps, corrections, signatureRound, pad, confirmError, onCrossChecked, onCorrect, onPhoto, onSignature, photo, paper, onPaper, onConfirm }: MemberPanelProps) {
  const { t } = useTranslation();
  const { member, refusal, cardDifferences } = current;
  const differences = member.reconciliation?.differences ?? [];
  return (
    <Paper withBorder p="sm" aria-label={t('counter.memberPanel', { name: member.fullName })} component="section">
      <Stack gap="sm">
        <Group justify="space-between">
          <div>
            <Title order={2} size="h3">
              {member.fullName}
            </Title>
            <Text size="sm">
              {t('counter.memberLine', { personalId: member.personalId, birth: formatBirth(member.dateOfBirth, member.birthYear), gender: t(`gender.${member.gender}`), unit: member.organisationName })}
            </Text>
          </div>
          {current.card && <Badge color="teal">{t('counter.cardScanned')}</Badge>}
        </Group>
        {refusal ? (
          <Alert color="red" role="alert" title={t('counter.refused')}>
            {t(`counter.refusal.${refusal.code.replace('.', '_')}`, refusal.code === 'counter.not_eligible' ? { status: t(`status.${refusal.status}`) } : {})}
          </Alert>
        ) : (
          <>
            <Paper withBorder p="xs">
              <Text size="sm" fw={500}>
                {t('counter.crossCheck.label')}
              </Text>
              {check === 'clear' && (
                <Text size="sm" c="green" role="status">
                  {t(current.card ? 'counter.crossCheck.clear' : 'counter.crossCheck.clearNoCard')}
                </Text>
              )}
              {check === 'blocked' && (
                <Alert color="red" role="alert">
                  {t('counter.crossCheck.blocked')}
                </Alert>
              )}
              {!member.reconciliation && <Text size="sm">{t('counter.crossCheck.notChecked')}</Text>}
              {differences.length > 0 && <DifferencesTable differences={differences} label={t('counter.crossCheck.register')} decided={member.reconciliation?.decision !== null} />}
              {cardDifferences.length > 0 && (
                <Table aria-label={t('counter.crossCheck.card')} withTableBorder>
                  <Table.Tbody>
                    {cardDifferences.map((d) => (
                      <Table.Tr key={d.field}>
                        <Table.Th>{t(`counter.cardField.${d.field}`)}</Table.Th>
                        <Table.Td>{t('counter.crossCheck.onCard', { value: d.field === 'gender' ? t(`gender.${d.card}`) : d.card })}</Table.Td>
                        <Table.Td>{t('counter.crossCheck.onRecord', { value: d.field === 'gender' ? t(`gender.${d.record}`) : d.record })}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
              {(check === 'review' || (check === 'clear' && !steps.cross_check)) && (
                <Button mt="xs" variant={steps.cross_check ? 'light' : 'filled'} onClick={onCrossChecked}>
                  {steps.cross_check ? t('counter.crossCheck.done') : t('counter.crossCheck.confirm')}
                </Button>
              )}
            </Paper>
            <DataEntry member={member} corrections={corrections} onCorrect={onCorrect} />
            <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm">
              <PhotoCapture onChange={onPhoto} resetKey={`${member.id}:${current.openedAt}`} />
              <SignatureField onChange={onSignature} resetKey={`${member.id}:${current.openedAt}:${signatureRound}`} padRef={pad} />
            </SimpleGrid>
            <PaperSignature member={member} data={confirmedData(member, corrections)} photo={photo} signed={paper} onChange={onPaper} />
            {confirmError && (
              <Alert color="red" role="alert">
                {confirmError}
              </Alert>
            )}
            <Group>
              <Button size="md" onClick={onConfirm} disabled={check === 'blocked'}>
                {t('counter.confirm')}
              </Button>
              <Text size="xs" c="dimmed" aria-hidden>
                <Kbd>Ctrl</Kbd> + <Kbd>Enter</Kbd>
              </Text>
              <Text size="xs" c="dimmed">
                {t('counter.stepsDone', { done: (['photo', 'cross_check', 'signature'] as const).filter((s) => steps[s]).map((s) => t(`counter.step.${s}`)).join(', ') || '—' })}
              </Text>
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  );
}

function DataEntry({ member, corrections, onCorrect }: { member: CounterMember; corrections: Correction[]; onCorrect: (c: Correction) => void }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<CorrectableField | null>(null);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const shown = (field: CorrectableField) => corrections.find((c) => c.field === field)?.new ?? member[field] ?? '';
  return (
    <Paper withBorder p="xs">
      <Text size="sm" fw={500}>
        {t('counter.data.label')}
      </Text>
      {CORRECTABLE.map((field) => (
        <Group key={field} gap="xs" align="end" wrap="nowrap">
          {editing === field ? (
            <form
              style={{ flex: 1 }}
              onSubmit={(event) => {
                event.preventDefault();
                const result = correction(member, field, value, new Date().toISOString());
                if (!result.ok) return setError(t(`counter.data.${result.code.replace('counter.', '')}`));
                if (result.correction) onCorrect(result.correction);
                setEditing(null);
              }}
            >
              <TextInput label={t(`counter.data.${field}`)} value={value} onChange={(e) => setValue(e.currentTarget.value)} error={error} autoFocus rightSection={<Button type="submit" size="compact-xs">{t('common.save')}</Button>} rightSectionWidth={60} />
            </form>
          ) : (
            <>
              <Text size="sm" style={{ flex: 1 }}>
                <b>{t(`counter.data.${field}`)}:</b> {shown(field) || t('common.notSet')}
                {corrections.some((c) => c.field === field) && (
                  <Text span size="xs" c="dimmed">
                    {' '}
                    {t('counter.data.was', { old: member[field] ?? t('common.notSet') })}
                  </Text>
                )}
              </Text>
              <Button
                size="compact-xs"
                variant="subtle"
                aria-label={t('counter.data.edit', { field: t(`counter.data.${field}`) })}
                onClick={() => {
                  setEditing(field);
                  setValue(shown(field));
                  setError(null);
                }}
              >
                {t('common.edit')}
              </Button>
            </>
          )}
        </Group>
      ))}
    </Paper>
  );
}

function OutboxPanel({ items, acknowledged, onRetry, onDiscard }: { items: { entry: OutboxEntry; name: string }[]; acknowledged: Acknowledged[]; onRetry: (id: string) => void; onDiscard: (id: string) => void }) {
  const { t } = useTranslation();
  const color = { pending: 'gray', sending: 'blue', failed: 'orange', rejected: 'red' } as const;
  return (
    <Paper withBorder p="xs" component="section" aria-label={t('counter.outbox.title')}>
      <Title order={2} size="h4">
        {t('counter.outbox.title')}
      </Title>
      <Text size="sm" role="status" data-testid="outbox-count">
        {t('counter.outbox.count', { count: items.length })}
      </Text>
      <List spacing={4} size="sm">
        {items.map(({ entry, name }) => (
          <List.Item key={entry.id}>
            <Group gap={4}>
              <Text size="sm">{name}</Text>
              <Badge size="xs" color={color[entry.state]}>
                {t(`counter.outbox.state.${entry.state}`)}
              </Badge>
              <Text size="xs" c="dimmed">
                {formatDateTime(entry.createdAt)}
              </Text>
            </Group>
            {entry.error && (
              <Text size="xs" c={entry.state === 'rejected' ? 'red' : 'orange'}>
                {entry.error.code === 'network.unreachable' ? t('counter.outbox.noLine') : entry.error.code === 'counter.unreadable' ? t('counter.outbox.unreadable') : entry.error.message}
              </Text>
            )}
            {(entry.state === 'failed' || entry.state === 'rejected') && (
              <Group gap={4}>
                <Button size="compact-xs" variant="light" onClick={() => onRetry(entry.id)}>
                  {t('counter.outbox.retry')}
                </Button>
                {entry.state === 'rejected' && (
                  <Button size="compact-xs" variant="subtle" color="red" onClick={() => onDiscard(entry.id)}>
                    {t('counter.outbox.discard')}
                  </Button>
                )}
              </Group>
            )}
          </List.Item>
        ))}
      </List>
      {acknowledged.length > 0 && (
        <>
          <Text size="sm" fw={500} mt="xs">
            {t('counter.outbox.received', { count: acknowledged.length })}
          </Text>
          <List spacing={2} size="sm">
            {acknowledged.map((a) => (
              <List.Item key={a.receipt.dossier.id}>
                {a.memberName}{' '}
                <a href={`/api/dossiers/${a.receipt.dossier.id}/receipt.pdf`} target="_blank" rel="noreferrer">
                  {t('counter.outbox.receipt')}
                </a>
              </List.Item>
            ))}
          </List>
        </>
      )}
    </Paper>
  );
}
