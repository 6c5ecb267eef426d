import { Badge, Button, Checkbox, Group, Loader, Modal, Paper, PasswordInput, Select, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ROLES, type Province, type Role, type Scope, type User, type UserCreate, type UserPatch } from '../api.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { fieldMessages, focusFirstError } from '../common/errors.ts';
import { OrgPicker, type OrgChoice } from '../organisations/OrgPicker.tsx';

type ScopeKind = 'all' | 'organisation' | 'province' | 'commune' | 'provinceOptional';

/** What scope a role is given: the whole country, one party organisation, a province, or a commune. */
export function scopeKindOf(role: Role): ScopeKind {
  switch (role) {
    case 'central_admin':
      return 'all';
    case 'provincial_admin':
      return 'province';
    case 'party_officer':
      return 'organisation';
    case 'intake_officer':
    case 'supervisor':
      return 'commune';
    case 'inspector':
      return 'provinceOptional';
  }
}

const userKeys = { list: ['users'] as const };

function useProvinces() {
  return useQuery({ queryKey: ['reference', 'provinces'], queryFn: () => api.provinces(), staleTime: Infinity });
}

function useCommunes(provinceCode: string) {
  return useQuery({
    queryKey: ['reference', 'communes', provinceCode],
    queryFn: () => api.communes(provinceCode),
    enabled: provinceCode !== '',
    staleTime: Infinity,
  });
}

function ScopeText({ scope, provinces }: { scope: Scope; provinces: readonly Province[] }) {
  const { t } = useTranslation();
  if (scope.all) return <>{t('users.scopeAll')}</>;
  const parts: string[] = [];
  if (scope.organisationName || scope.organisationId) parts.push(scope.organisationName ?? scope.organisationId ?? '');
  if (scope.provinceCode) parts.push(provinces.find((p) => p.code === scope.provinceCode)?.name ?? scope.provinceCode);
  if (scope.communeCode) parts.push(t('users.communeCode', { code: scope.communeCode }));
  return <>{parts.join(' · ')}</>;
}

/** Người dùng (admins only): list, create and edit accounts with their role and scope. */
export default function UsersPage() {
  const { t } = useTranslation();
  const users = useQuery({ queryKey: userKeys.list, queryFn: () => api.users() });
  const provinces = useProvinces();
  const [editing, setEditing] = useState<User | 'new' | null>(null);

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('users.title')}
        </Title>
        <Button onClick={() => setEditing('new')}>{t('users.add')}</Button>
      </Group>
      {users.isError && <ErrorAlert error={users.error} onRetry={() => void users.refetch()} />}
      {users.isPending && <Loader aria-label={t('common.loading')} />}
      {users.data && (
        <Paper withBorder p="xs">
          <Table.ScrollContainer minWidth={900}>
            <Table striped highlightOnHover aria-label={t('users.tableLabel')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('users.fields.username')}</Table.Th>
                  <Table.Th scope="col">{t('users.fields.fullName')}</Table.Th>
                  <Table.Th scope="col">{t('users.fields.role')}</Table.Th>
                  <Table.Th scope="col">{t('users.fields.scope')}</Table.Th>
                  <Table.Th scope="col">{t('users.fields.state')}</Table.Th>
                  <Table.Th scope="col">
                    <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {users.data.map((user) => (
                  <Table.Tr key={user.id}>
                    <Table.Td ff="monospace">{user.username}</Table.Td>
                    <Table.Td>{user.fullName}</Table.Td>
                    <Table.Td>{t(`roles.${user.role}`)}</Table.Td>
                    <Table.Td>
                      <ScopeText scope={user.scope} provinces={provinces.data ?? []} />
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {user.disabled && (
                          <Badge color="gray" tt="none">
                            {t('users.disabled')}
                          </Badge>
                        )}
                        {user.locked && (
                          <Badge color="orange" tt="none">
                            {t('users.locked')}
                          </Badge>
                        )}
                        {!user.disabled && !user.locked && (
                          <Badge color="green" variant="light" tt="none">
                            {t('users.active')}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Button size="xs" variant="default" aria-label={t('users.editNamed', { username: user.username })} onClick={() => setEditing(user)}>
                        {t('common.edit')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('users.add') : t('users.edit')}
        size="lg"
      >
        {editing !== null && (
          <UserForm key={editing === 'new' ? 'new' : editing.id} user={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />
        )}
      </Modal>
    </Stack>
  );
}

interface FormValues {
  username: string;
  fullName: string;
  password: string;
  role: Role;
  provinceCode: string;
  communeCode: string;
  disabled: boolean;
}

const FIELDS = ['username', 'fullName', 'password', 'role', 'provinceCode', 'communeCode', 'organisationId'];

function UserForm({ user, onDone }: { user: User | null; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [organisation, setOrganisation] = useState<OrgChoice | null>(
    user?.scope.organisationId ? { id: user.scope.organisationId, name: user.scope.organisationName ?? user.scope.organisationId } : null,
  );
  const [organisationError, setOrganisationError] = useState<string | null>(null);
  const form = useForm<FormValues>({
    mode: 'controlled',
    initialValues: {
      username: user?.username ?? '',
      fullName: user?.fullName ?? '',
      password: '',
      role: user?.role ?? 'party_officer',
      provinceCode: user?.scope.provinceCode ?? '',
      communeCode: user?.scope.communeCode ?? '',
      disabled: user?.disabled ?? false,
    },
    validate: {
      username: (value) => (!user && value.trim() === '' ? t('users.errors.usernameRequired') : null),
      fullName: (value) => (value.trim() === '' ? t('users.errors.fullNameRequired') : null),
      password: (value) => (!user && value === '' ? t('users.errors.passwordRequired') : null),
      provinceCode: (value, values) => {
        const kind = scopeKindOf(values.role);
        return (kind === 'province' || kind === 'commune') && value === '' ? t('users.errors.provinceRequired') : null;
      },
      communeCode: (value, values) => (scopeKindOf(values.role) === 'commune' && value === '' ? t('users.errors.communeRequired') : null),
    },
  });
  const provinces = useProvinces();
  const communes = useCommunes(form.values.provinceCode);
  const kind = scopeKindOf(form.values.role);

  const save = useMutation({
    mutationFn: async (values: FormValues) => {
      const scope: Pick<UserCreate, 'organisationId' | 'provinceCode' | 'communeCode'> = {};
      if (kind === 'organisation' && organisation) scope.organisationId = organisation.id;
      if ((kind === 'province' || kind === 'commune' || kind === 'provinceOptional') && values.provinceCode) scope.provinceCode = values.provinceCode;
      if (kind === 'commune' && values.communeCode) scope.communeCode = values.communeCode;
      if (!user) {
        return api.createUser({ username: values.username.trim(), fullName: values.fullName.trim(), password: values.password, role: values.role, ...scope });
      }
      const patch: UserPatch = { ...scope };
      if (values.fullName.trim() !== user.fullName) patch.fullName = values.fullName.trim();
      if (values.role !== user.role) patch.role = values.role;
      if (values.password !== '') patch.password = values.password;
      if (values.disabled !== user.disabled) patch.disabled = values.disabled;
      return api.updateUser(user.id, patch);
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: userKeys.list });
      onDone();
    },
    onError: (error) => {
      const messages = fieldMessages(error);
      if (messages.organisationId) setOrganisationError(messages.organisationId);
      const errors = Object.fromEntries(Object.entries(messages).filter(([field]) => FIELDS.includes(field) && field !== 'organisationId'));
      form.setErrors(errors);
      focusFirstError(FIELDS.filter((field) => field in errors));
    },
  });

  const submit = form.onSubmit((values) => {
    if (kind === 'organisation' && !organisation) {
      setOrganisationError(t('users.errors.organisationRequired'));
      return;
    }
    save.mutate(values);
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {save.error ? <ErrorAlert error={save.error} knownFields={FIELDS} /> : null}
        <TextInput
          label={t('users.fields.username')}
          withAsterisk={!user}
          disabled={!!user}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          data-autofocus={!user || undefined}
          {...form.getInputProps('username')}
        />
        <TextInput label={t('users.fields.fullName')} withAsterisk data-autofocus={user ? true : undefined} {...form.getInputProps('fullName')} />
        <PasswordInput
          label={user ? t('users.fields.newPassword') : t('users.fields.password')}
          description={user ? t('users.passwordKeep') : undefined}
          withAsterisk={!user}
          autoComplete="new-password"
          visibilityToggleButtonProps={{ 'aria-label': t('auth.showPassword') }}
          {...form.getInputProps('password')}
        />
        <Select
          label={t('users.fields.role')}
          data={ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
          allowDeselect={false}
          {...form.getInputProps('role')}
        />
        {kind === 'all' && (
          <Text size="sm" c="dimmed">
            {t('users.scopeAllHelp')}
          </Text>
        )}
        {kind === 'organisation' && (
          <OrgPicker
            label={t('users.fields.organisation')}
            value={organisation}
            onChange={(value) => {
              setOrganisation(value);
              setOrganisationError(null);
            }}
            required
            error={organisationError}
          />
        )}
        {(kind === 'province' || kind === 'commune' || kind === 'provinceOptional') && (
          <Select
            label={t('users.fields.province')}
            searchable
            clearable={kind === 'provinceOptional'}
            withAsterisk={kind !== 'provinceOptional'}
            nothingFoundMessage={t('common.nothingFound')}
            data={(provinces.data ?? []).map((province) => ({ value: province.code, label: province.name }))}
            {...form.getInputProps('provinceCode')}
            value={form.values.provinceCode || null}
            onChange={(value) => {
              form.setFieldValue('provinceCode', value ?? '');
              form.setFieldValue('communeCode', '');
            }}
          />
        )}
        {kind === 'commune' && (
          <Select
            label={t('users.fields.commune')}
            searchable
            withAsterisk
            disabled={form.values.provinceCode === ''}
            nothingFoundMessage={t('common.nothingFound')}
            data={(communes.data ?? []).map((commune) => ({ value: commune.code, label: commune.name }))}
            {...form.getInputProps('communeCode')}
            value={form.values.communeCode || null}
            onChange={(value) => form.setFieldValue('communeCode', value ?? '')}
          />
        )}
        {user && <Checkbox label={t('users.fields.disabled')} {...form.getInputProps('disabled', { type: 'checkbox' })} />}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {user ? t('common.save') : t('users.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
