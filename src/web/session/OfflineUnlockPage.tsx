import { Alert, Button, Center, Loader, PasswordInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, Session } from '../api.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { offlineUser, unlockOffline } from '../intake/counter/offlineUnlock.ts';
import { AuthCard } from './AuthCard.tsx';

interface Props {
  /** Why the session could not be read (the server out of reach). */
  error: ApiError;
  onRetry: () => void;
  onUnlocked: (session: Session) => void;
}

/**
 * The server is out of reach at start: the officer who signed in last on this device may go on at the counter with their
 * password (decision 0019). Anyone else, or a device nobody unlocked, sees the connection error with a retry.
 */
export function OfflineUnlockPage({ error, onRetry, onUnlocked }: Props) {
  const { t } = useTranslation();
  const [username, setUsername] = useState<string | null | undefined>(undefined);
  const [wrong, setWrong] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [opening, setOpening] = useState(false);
  const form = useForm({
    mode: 'controlled',
    initialValues: { password: '' },
    validate: { password: (value) => (value === '' ? t('auth.passwordRequired') : null) },
  });
  useEffect(() => {
    void offlineUser().then((name) => setUsername(name ?? null), () => setUsername(null));
  }, []);

  if (username === undefined) {
    return (
      <Center mih="100vh">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (username === null) {
    return (
      <Center mih="100vh" p="md">
        <Stack maw={480}>
          <ErrorAlert error={error} onRetry={onRetry} />
        </Stack>
      </Center>
    );
  }

  const submit = form.onSubmit(async ({ password }) => {
    setOpening(true);
    setWrong(false);
    setFailure(null);
    try {
      const session = await unlockOffline(password);
      if (session) onUnlocked(session);
      else setWrong(true);
    } catch (error) {
      // The device's store could not be read (IndexedDB unavailable, a damaged record).
      setFailure(error);
    } finally {
      setOpening(false);
    }
  });

  return (
    <AuthCard title={t('auth.offline.title')} intro={<Text size="sm">{t('auth.offline.explain', { username })}</Text>} width={440}>
      <form onSubmit={submit} noValidate aria-label={t('auth.offline.title')}>
        <Stack>
          {failure ? <ErrorAlert error={failure} /> : null}
          {wrong && (
            <Alert color="red" variant="light" role="alert">
              {t('auth.offline.wrongPassword')}
            </Alert>
          )}
          <PasswordInput
            label={t('auth.password')}
            autoComplete="current-password"
            data-autofocus
            autoFocus
            visibilityToggleButtonProps={{ 'aria-label': t('auth.showPassword') }}
            {...form.getInputProps('password')}
          />
          <Button type="submit" loading={opening} fullWidth mt="sm">
            {t('auth.offline.unlock')}
          </Button>
          <Button variant="subtle" onClick={onRetry}>
            {t('auth.offline.retry')}
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
