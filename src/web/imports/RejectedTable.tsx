import { Badge, Checkbox, Group, Pagination, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isPendingFix, type ReportRow, type ReportState } from './importState.ts';

export const REPORT_PAGE_SIZE = 20;

interface Props {
  state: ReportState;
  columns: readonly string[];
  onFix: (row: number, field: string, value: string) => void;
  onSkip: (rows: readonly number[], skip: boolean) => void;
}

/**
 * Rejected rows: "Dòng 7" heads each row, each bad cell is red with its message (visible and as a tooltip)
 * and can be corrected in place, and each row can be skipped.
 */
export function RejectedTable({ state, columns, onFix, onSkip }: Props) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const pages = Math.max(1, Math.ceil(state.rows.length / REPORT_PAGE_SIZE));
  useEffect(() => {
    if (page > pages) setPage(pages);
  }, [page, pages]);
  const visible = state.rows.slice((page - 1) * REPORT_PAGE_SIZE, page * REPORT_PAGE_SIZE);
  const hasRowErrors = state.rows.some((row) => row.errors.some((error) => !error.field || !columns.includes(error.field)));
  const label = (field: string) => t(`fields.${field}`, { defaultValue: field });

  return (
    <>
      <Table.ScrollContainer minWidth={Math.max(900, 220 + columns.length * 170)} type="native">
        <Table withTableBorder withColumnBorders verticalSpacing={4} aria-label={t('import.rejectedTable')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col" w={110}>
                {t('import.row')}
              </Table.Th>
              <Table.Th scope="col" w={70}>
                {t('import.skip')}
              </Table.Th>
              {columns.map((field) => (
                <Table.Th scope="col" key={field} miw={150}>
                  {label(field)}
                </Table.Th>
              ))}
              {hasRowErrors && (
                <Table.Th scope="col" miw={200}>
                  {t('import.otherErrors')}
                </Table.Th>
              )}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {visible.map((row) => (
              <RejectedRowView
                key={row.row}
                row={row}
                state={state}
                columns={columns}
                hasRowErrors={hasRowErrors}
                onFix={onFix}
                onSkip={onSkip}
              />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {pages > 1 && (
        <Group justify="center" mt="sm">
          <Pagination
            total={pages}
            value={page}
            onChange={setPage}
            size="sm"
            aria-label={t('import.pagesLabel')}
            getItemProps={(item) => ({ 'aria-label': t('common.pageN', { page: item }) })}
            getControlProps={(control) => {
              const names: Record<string, string> = {
                first: t('common.firstPage'),
                last: t('common.lastPage'),
                next: t('common.nextPage'),
                previous: t('common.previousPage'),
              };
              return { 'aria-label': names[control] ?? control };
            }}
          />
        </Group>
      )}
    </>
  );
}

interface RowProps {
  row: ReportRow;
  state: ReportState;
  columns: readonly string[];
  hasRowErrors: boolean;
  onFix: (row: number, field: string, value: string) => void;
  onSkip: (rows: readonly number[], skip: boolean) => void;
}

function RejectedRowView({ row, state, columns, hasRowErrors, onFix, onSkip }: RowProps) {
  const { t } = useTranslation();
  const skipped = state.skipped.has(row.row);
  const fixed = row.errors.length === 0;
  const rowName = t('import.rowN', { row: row.row });
  const otherErrors = row.errors.filter((error) => !error.field || !columns.includes(error.field));

  return (
    <Table.Tr className={skipped ? 'row-skipped' : undefined} data-row={row.row}>
      <Table.Th scope="row" style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm" fw={600}>
          {rowName}
        </Text>
        {fixed && (
          <Badge size="xs" color="green" variant="light" tt="none">
            {t('import.rowFixed')}
          </Badge>
        )}
        {skipped && (
          <Badge size="xs" color="gray" variant="light" tt="none">
            {t('import.rowSkipped')}
          </Badge>
        )}
      </Table.Th>
      <Table.Td>
        <Checkbox
          aria-label={t('import.skipRow', { row: row.row })}
          checked={skipped}
          onChange={(event) => onSkip([row.row], event.currentTarget.checked)}
        />
      </Table.Td>
      {columns.map((field) => {
        const errors = row.errors.filter((error) => error.field === field);
        const fix = state.fixes[row.row]?.[field];
        const original = row.values[field] ?? '';
        if (errors.length === 0 && !fix) {
          return (
            <Table.Td key={field} data-testid={`cell-${row.row}-${field}`}>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                {original}
              </Text>
            </Table.Td>
          );
        }
        const pending = isPendingFix(state, row, field);
        const message = errors.map((error) => error.message).join(' ');
        const bad = errors.length > 0 && !pending;
        return (
          <Table.Td
            key={field}
            className={bad ? 'cell-error' : pending ? 'cell-fixed' : undefined}
            data-testid={`cell-${row.row}-${field}`}
            data-invalid={bad || undefined}
          >
            <Tooltip label={message} disabled={!bad} multiline maw={320} withArrow events={{ hover: true, focus: true, touch: true }}>
              <TextInput
                size="xs"
                aria-label={t('import.cellLabel', { row: row.row, field: t(`fields.${field}`, { defaultValue: field }) })}
                value={fix?.value ?? original}
                onChange={(event) => onFix(row.row, field, event.currentTarget.value)}
                disabled={skipped}
                error={bad ? message : undefined}
                description={pending ? t('import.pendingFix') : undefined}
                inputWrapperOrder={['input', 'description', 'error']}
                spellCheck={false}
              />
            </Tooltip>
          </Table.Td>
        );
      })}
      {hasRowErrors && (
        <Table.Td className={otherErrors.length > 0 ? 'cell-error' : undefined}>
          {otherErrors.map((error, index) => (
            <Text key={index} size="xs" c="red.8">
              {error.field ? `${t(`fields.${error.field}`, { defaultValue: error.field })}: ` : ''}
              {error.message}
            </Text>
          ))}
        </Table.Td>
      )}
    </Table.Tr>
  );
}
