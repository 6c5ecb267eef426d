import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { rememberForOffline } from '../intake/counter/offlineUnlock.ts';
import { AuthCard } from './AuthCard.tsx';
import { useLogin } from './session.ts';

interface Props {
  onSignedIn: () => void;
  sessionEnded?: boolean;
}

export function LoginPage({ onSignedIn, sessionEnded = false }: Props) {
  const { t } = useTranslation();
  const login = useLogin();
  const form = useForm({
    mode: 'controlled',
    initialValues: { username: '', password: '' },
    validate: {
      username: (value) => (value.trim() === '' ? t('auth.usernameRequired') : null),
      password: (value) => (value === '' ? t('auth.passwordRequired') : null),
    },
  });

  const submit = form.onSubmit((values) => {
    login.mutate(
      { username: values.username.trim(), password: values.password },
      {
        onSuccess: (session) => {
          // An officer's counter key and session, sealed under the password, for work after a reload with no line.
          rememberForOffline(session, values.password).catch(() => {});
          onSignedIn();
        },
      },
    );
  });

  return (
    <AuthCard title={t('auth.title')}>
      <form onSubmit={submit} noValidate aria-label={t('auth.title')}>
        <Stack>
          {sessionEnded && !login.error && (
            <Alert color="yellow" variant="light" role="status">
              {t('auth.sessionEnded')}
            </Alert>
          )}
          {login.error ? <ErrorAlert error={login.error} title={t('auth.failed')} /> : null}
          <TextInput
            label={t('auth.username')}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            data-autofocus
            autoFocus
            {...form.getInputProps('username')}
          />
          <PasswordInput
            label={t('auth.password')}
            autoComplete="current-password"
            visibilityToggleButtonProps={{ 'aria-label': t('auth.showPassword') }}
            {...form.getInputProps('password')}
          />
          <Button type="submit" loading={login.isPending} fullWidth mt="sm">
            {t('auth.submit')}
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
