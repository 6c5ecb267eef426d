import { Alert, Badge, Button, Center, FileButton, Group, Image, Paper, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QrCameraScan } from '../common/QrCameraScan.tsx';
import { qrFromImage } from '../common/qrFromImage.ts';
import { usePageTitle } from '../common/usePageTitle.ts';
import { formatDate, formatDateTime } from '../format.ts';
import { formatClaimedBirth } from '../../cards/domain/claims.ts';
import { LanguageSwitch } from '../shell/LanguageSwitch.tsx';
import { verifyCardInBrowser, type BrowserVerification } from './cardVerifier.ts';
import { fetchTrust, storedTrust, type StoredTrust } from './trust.ts';

const COLOURS: Record<BrowserVerification['verdict'], string> = { valid: 'green', revoked: 'red', invalid: 'red', status_unknown: 'yellow', status_expired: 'yellow' };

/**
 * Anyone checks a party card here, signed in or not: its QR read by a scanner (typed into the box), by the webcam or
 * from a photo of the card, or its chip data from a file. Works offline with the lists kept from the last visit.
 */
export default function VerifyPage() {
  const { t } = useTranslation();
  usePageTitle(t('verify.title'));
  const [trust, setTrust] = useState<StoredTrust | null>(() => storedTrust());
  const [offline, setOffline] = useState(false);
  const [text, setText] = useState('');
  const [result, setResult] = useState<BrowserVerification | null>(null);
  const [photoUrl, setPhotoUrl] = useState<string | null>(null);
  const [imageError, setImageError] = useState(false);

  const refresh = async () => {
    try {
      setTrust(await fetchTrust());
      setOffline(false);
    } catch {
      setOffline(true);
    }
  };
  useEffect(() => {
    void refresh();
  }, []);

  const check = async (input: string | Uint8Array) => {
    setImageError(false);
    // The newest lists the server has, when it can be reached; otherwise those kept.
    let current = trust;
    try {
      current = await fetchTrust();
      setTrust(current);
      setOffline(false);
    } catch {
      setOffline(true);
    }
    if (!current) return;
    const verified: BrowserVerification = await verifyCardInBrowser(input, current).catch(() => ({ verdict: 'invalid', problem: 'corrupt' }));
    setResult(verified);
    setPhotoUrl((old) => {
      if (old) URL.revokeObjectURL(old);
      return verified.chip ? URL.createObjectURL(new Blob([new Uint8Array(verified.chip.photo)], { type: 'image/jpeg' })) : null;
    });
  };

  const readImage = async (file: File | null) => {
    if (!file) return;
    let scanned: string;
    try {
      scanned = await qrFromImage(file);
    } catch (error) {
      console.warn('QR not read from the image:', error);
      setImageError(true);
      return;
    }
    setText(scanned);
    await check(scanned);
  };

  const claims = result?.claims;
  return (
    <Center p="md">
      <Stack maw={720} w="100%">
        <Group justify="space-between">
          <Title order={1} size="h2">
            {t('verify.title')}
          </Title>
          <LanguageSwitch />
        </Group>
        {!trust && <Alert color="yellow">{t('verify.noLists')}</Alert>}
        {trust?.rootChanged && <Alert color="red">{t('verify.rootChanged')}</Alert>}
        {trust && (
          <Text size="sm" c={offline ? 'orange' : 'dimmed'} data-testid="trust-age">
            {t(offline ? 'verify.listsOffline' : 'verify.listsFresh', { at: formatDateTime(trust.fetchedAt) })}
          </Text>
        )}
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void check(text);
          }}
        >
          <Stack gap="xs">
            <Textarea label={t('verify.qrLabel')} description={t('verify.qrHint')} value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={2} maxRows={6} />
            <Group>
              <Button type="submit" disabled={!text.trim() || !trust}>
                {t('verify.check')}
              </Button>
              <QrCameraScan
                onText={(scanned) => {
                  setText(scanned);
                  void check(scanned);
                }}
              />
              <FileButton onChange={(file) => void readImage(file)} accept="image/png,image/jpeg">
                {(props) => (
                  <Button variant="default" {...props}>
                    {t('verify.fromImage')}
                  </Button>
                )}
              </FileButton>
              <FileButton onChange={(file) => void file?.arrayBuffer().then((b) => check(new Uint8Array(b)))}>
                {(props) => (
                  <Button variant="default" {...props}>
                    {t('verify.fromChip')}
                  </Button>
                )}
              </FileButton>
            </Group>
            {imageError && <Text c="red">{t('verify.imageUnreadable')}</Text>}
          </Stack>
        </form>
        {result && (
          <Paper withBorder p="md" role="status" aria-label={t('verify.result')}>
            <Stack gap="sm">
              <Badge size="xl" color={COLOURS[result.verdict]} data-testid="verdict">
                {t(`verify.verdict.${result.verdict}`)}
              </Badge>
              {result.problem && result.verdict === 'invalid' && <Text c="red">{t(`verify.problem.${result.problem.replace(/^(key_list|status_list)_.*/, '$1')}`, { defaultValue: result.problem })}</Text>}
              {claims && (
                <Group align="flex-start" wrap="nowrap">
                  {photoUrl && <Image src={photoUrl} w={120} h={160} alt={t('verify.photo')} radius="sm" />}
                  <Table>
                    <Table.Tbody>
                      {[
                        [t('verify.cardNumber'), claims.cardNumber],
                        [t('verify.fullName'), claims.fullName],
                        [t('verify.personalId'), claims.personalId],
                        [t('verify.dateOfBirth'), formatClaimedBirth(claims.dateOfBirth)],
                        [t('verify.issued'), `${formatDate(claims.issuedOn)} — ${claims.issuer}`],
                        ...(result.chip ? [[t('verify.organisation'), result.chip.organisation]] : []),
                      ].map(([label, value]) => (
                        <Table.Tr key={label}>
                          <Table.Th>{label}</Table.Th>
                          <Table.Td>{value}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Group>
              )}
              {result.statusListIssuedAt && (
                <Text size="sm" c="dimmed">
                  {t('verify.statusListAge', { at: formatDateTime(result.statusListIssuedAt), hours: result.statusListAgeHours, until: formatDateTime(result.statusListValidUntil) })}
                </Text>
              )}
            </Stack>
          </Paper>
        )}
      </Stack>
    </Center>
  );
}
