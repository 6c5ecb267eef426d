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
