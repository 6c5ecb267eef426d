import { Button, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';

export function NotFound({ forbidden = false }: { forbidden?: boolean }) {
  const { t } = useTranslation();
  return (
    <Stack align="flex-start" gap="sm">
      <Title order={1} size="h3">
        {forbidden ? t('errors.forbiddenTitle') : t('errors.notFoundTitle')}
      </Title>
      <Text>{forbidden ? t('errors.forbiddenText') : t('errors.notFoundText')}</Text>
      <Button component={Link} href="/members" variant="default">
        {t('nav.members')}
      </Button>
    </Stack>
  );
}
