import { Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../shell/LanguageSwitch.tsx';

/** The frame of the pages shown before a session: the app's name, a title, what to do, and the form. */
export function AuthCard({ title, intro, width = 400, children }: { title: string; intro?: ReactNode; width?: number; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Box mih="100vh" bg="gray.0">
      <Group justify="flex-end" p="md">
        <LanguageSwitch />
      </Group>
      <Center px="md" pb="xl">
        <Paper component="main" withBorder shadow="sm" radius="md" p="xl" w={width} maw="100%">
          <Stack gap="xs" mb="lg">
            <Text c="red.8" fw={700} size="lg">
              {t('app.name')}
            </Text>
            <Title order={1} size="h2">
              {title}
            </Title>
            {intro}
          </Stack>
          {children}
        </Paper>
      </Center>
    </Box>
  );
}
