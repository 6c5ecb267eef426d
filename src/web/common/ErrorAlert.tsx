import { Alert, Button, List } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage, looseIssues } from './errors.ts';

interface Props {
  error: unknown;
  title?: string;
  /** Fields shown under their own inputs; their issues are not repeated here. */
  knownFields?: readonly string[];
  onRetry?: () => void;
}

/** A server or network error, announced to screen readers. */
export function ErrorAlert({ error, title, knownFields = [], onRetry }: Props) {
  const { t } = useTranslation();
  if (!error) return null;
  const issues = looseIssues(error, knownFields);
  return (
    <Alert color="red" variant="light" title={title ?? t('errors.title')} role="alert">
      {errorMessage(t, error)}
      {issues.length > 0 && (
        <List size="sm" mt="xs">
          {issues.map((message, index) => (
            <List.Item key={index}>{message}</List.Item>
          ))}
        </List>
      )}
      {onRetry && (
        <Button mt="sm" size="xs" variant="white" color="red" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      )}
    </Alert>
  );
}
