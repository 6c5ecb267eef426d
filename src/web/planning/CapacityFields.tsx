import { Checkbox, Group, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../format.ts';
import { shiftCapacity } from './calendar.ts';
import { DEFAULT_RECORDS_PER_KIT_HOUR, DEFAULT_SHIFTS, normaliseTime, SHIFT_KEYS, SHIFT_LABEL_KEYS, SHIFT_WORD_KEYS, WEEKDAY_KEYS, WEEKDAY_ORDER, type CapacityValues } from './labels.ts';

/** The values of both point forms (adding a point, changing its capacity from a day on); each uses its own part. */
export interface PointFormValues extends CapacityValues {
  name: string;
  communeCode: string;
  address: string;
  operator: 'provincial' | 'commune';
  /** dd/mm/yyyy */
  from: string;
}

/** The form both point dialogs use (each with its own starting values and checks). */
export function usePointForm(initialValues: PointFormValues, validate: (values: PointFormValues) => Record<string, string>) {
  return useForm<PointFormValues>({ mode: 'controlled', initialValues, validate });
}

export type PointForm = ReturnType<typeof usePointForm>;

/** Places a shift would give with the values typed so far; null while they are not usable. */
function previewCapacity(values: CapacityValues, key: (typeof SHIFT_KEYS)[number]): number | null {
  const start = normaliseTime(values.shifts[key].start);
  const end = normaliseTime(values.shifts[key].end);
  const kits = Number(values.kits);
  const rate = values.recordsPerKitHour === '' ? DEFAULT_RECORDS_PER_KIT_HOUR : Number(values.recordsPerKitHour);
  if (!start || !end || !Number.isFinite(kits) || !Number.isFinite(rate) || rate <= 0) return null;
  const capacity = shiftCapacity({ from: '', kits, recordsPerKitHour: rate, shifts: [], openWeekdays: [] }, { key, start, end });
  return capacity > 0 ? capacity : null;
}

/** Kits, records per kit and hour, the shifts (presets sáng/chiều/tối with their usual hours) and the open days. */
export function CapacityFields({ form }: { form: PointForm }) {
  const { t } = useTranslation();
  const values = form.getValues();
  const shiftsError = form.errors.shifts;
  return (
    <Stack gap="sm">
      <Group grow align="flex-start">
        <NumberInput label={t('planning.pointForm.kits')} withAsterisk min={1} max={100} allowDecimal={false} allowNegative={false} {...form.getInputProps('kits')} />
        <NumberInput
          label={t('planning.pointForm.rate')}
          description={t('planning.pointForm.rateHelp', { rate: DEFAULT_RECORDS_PER_KIT_HOUR })}
          min={0.1}
          max={200}
          decimalSeparator=","
          allowNegative={false}
          {...form.getInputProps('recordsPerKitHour')}
        />
      </Group>
      <Stack gap={6} role="group" aria-labelledby="point-form-shifts" data-path="shifts" tabIndex={-1}>
        <Text size="sm" fw={500} id="point-form-shifts">
          {t('planning.pointForm.shifts')}{' '}
          <Text span c="red">
            *
          </Text>
        </Text>
        {SHIFT_KEYS.map((key) => {
          const shift = values.shifts[key];
          const capacity = shift.enabled ? previewCapacity(values, key) : null;
          const name = t(SHIFT_LABEL_KEYS[key]);
          const word = t(SHIFT_WORD_KEYS[key]);
          return (
            <Group key={key} gap="sm" align="flex-start" wrap="nowrap">
              <Checkbox
                mt={8}
                w={100}
                label={name}
                description={t('planning.pointForm.preset', { start: DEFAULT_SHIFTS[key].start, end: DEFAULT_SHIFTS[key].end })}
                {...form.getInputProps(`shifts.${key}.enabled`, { type: 'checkbox' })}
              />
              <TextInput
                w={110}
                label={t('planning.pointForm.start')}
                aria-label={t('planning.pointForm.shiftStart', { shift: word })}
                placeholder="HH:MM"
                disabled={!shift.enabled}
                inputMode="numeric"
                {...form.getInputProps(`shifts.${key}.start`)}
              />
              <TextInput
                w={110}
                label={t('planning.pointForm.end')}
                aria-label={t('planning.pointForm.shiftEnd', { shift: word })}
                placeholder="HH:MM"
                disabled={!shift.enabled}
                inputMode="numeric"
                {...form.getInputProps(`shifts.${key}.end`)}
              />
              {capacity !== null && (
                <Text size="sm" c="dimmed" mt={30}>
                  {t('planning.pointForm.capacityPreview', { count: capacity, places: formatNumber(capacity) })}
                </Text>
              )}
            </Group>
          );
        })}
        {typeof shiftsError === 'string' || typeof shiftsError === 'number' ? (
          <Text size="xs" c="red.8" role="alert">
            {shiftsError}
          </Text>
        ) : null}
      </Stack>
      <Checkbox.Group label={t('planning.pointForm.weekdays')} withAsterisk {...form.getInputProps('openWeekdays')}>
        <Group gap="md" mt={6}>
          {WEEKDAY_ORDER.map((day) => (
            <Checkbox key={day} value={String(day)} label={t(WEEKDAY_KEYS[day]!)} />
          ))}
        </Group>
      </Checkbox.Group>
    </Stack>
  );
}
