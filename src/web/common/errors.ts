import type { TFunction } from 'i18next';
import { ApiError, NETWORK_ERROR } from '../api.ts';

/** The message to show for an error: the server's translated message, else a local one for its code. */
export function errorMessage(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === NETWORK_ERROR) return t('errors.network');
    if (error.message) return error.message;
    return t(`errors.codes.${error.code}`, { defaultValue: t('errors.generic') });
  }
  return t('errors.generic');
}

/** Issues that belong to no form field, shown as a list under the message. */
export function looseIssues(error: unknown, knownFields: readonly string[] = []): string[] {
  if (!(error instanceof ApiError)) return [];
  return error.issues
    .filter((issue) => !issue.field || !knownFields.includes(issue.field))
    .map((issue) => issue.message)
    .filter((message) => message !== '' && message !== error.message);
}

/** Server issues by field, several messages for one field joined. */
export function fieldMessages(error: unknown, toField: (field: string) => string | undefined = (field) => field): Record<string, string> {
  const result: Record<string, string> = {};
  if (!(error instanceof ApiError)) return result;
  for (const issue of error.issues) {
    const field = issue.field ? toField(issue.field) : undefined;
    if (!field || !issue.message) continue;
    result[field] = result[field] ? `${result[field]} ${issue.message}` : issue.message;
  }
  return result;
}

/** Moves the focus to the first field in error (Mantine inputs carry data-path). */
export function focusFirstError(fields: readonly string[]): void {
  requestAnimationFrame(() => {
    for (const field of fields) {
      const element = document.querySelector<HTMLElement>(`[data-path="${CSS.escape(field)}"]`);
      if (element) {
        element.focus();
        return;
      }
    }
  });
}
