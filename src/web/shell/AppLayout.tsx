import { Anchor, AppShell, Box, Burger, Button, Group, NavLink, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { canHandleCards } from '../cards/permissions.ts';
import { isAdmin } from '../common/roles.ts';
import { canCapture } from '../intake/permissions.ts';
import { canReview } from '../intake/supervisor/permissions.ts';
import { canPlan } from '../planning/permissions.ts';
import { canReadProgress } from '../progress/permissions.ts';
import { useCurrentUser, useLogout } from '../session/session.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';

interface NavItem {
  href: string;
  label: string;
}

export function AppLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const logout = useLogout();
  const [location, navigate] = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);

  const items: NavItem[] = [
    ...(canReadProgress(user.role) ? [{ href: '/progress', label: t('nav.progress') }] : []),
    { href: '/organisations', label: t('nav.organisations') },
    { href: '/members', label: t('nav.members') },
    { href: '/import', label: t('nav.import') },
    { href: '/reconciliation', label: t('nav.reconciliation') },
  ];
  if (canPlan(user.role)) items.push({ href: '/planning', label: t('nav.planning') });
  if (canCapture(user.role)) items.push({ href: '/intake/counter', label: t('nav.counter') });
  if (canReview(user.role)) items.push({ href: '/intake/review', label: t('nav.review') });
  if (canHandleCards(user.role)) items.push({ href: '/cards', label: t('nav.cards') });
  if (isAdmin(user.role)) items.push({ href: '/users', label: t('nav.users') });

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <Anchor
        href="#main"
        className="skip-link"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        {t('nav.skipToContent')}
      </Anchor>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.toggle')} />
            <Text component="span" fw={700} c="red.8" size="lg" style={{ whiteSpace: 'nowrap' }}>
              {t('app.name')}
            </Text>
          </Group>
          <Group gap="md" wrap="nowrap">
            <Box ta="right" visibleFrom="sm" data-testid="current-user">
              <Text size="sm" fw={600} lh={1.2}>
                {user.fullName}
              </Text>
              <Text size="xs" c="dimmed" lh={1.2}>
                {t(`roles.${user.role}`)}
                {user.scope.organisationName ? ` · ${user.scope.organisationName}` : ''}
              </Text>
            </Box>
            <LanguageSwitch />
            <Button
              variant="default"
              size="xs"
              loading={logout.isPending}
              onClick={() => logout.mutate(undefined, { onSuccess: () => navigate('/login') })}
            >
              {t('auth.logout')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t('nav.label')} component="nav">
        <Stack gap={2}>
          {items.map((item) => {
            const active = location === item.href || location.startsWith(`${item.href}/`);
            return (
              <NavLink
                key={item.href}
                component={Link}
                href={item.href}
                label={item.label}
                active={active}
                aria-current={active ? 'page' : undefined}
                onClick={close}
              />
            );
          })}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1} style={{ outline: 'none' }}>
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
