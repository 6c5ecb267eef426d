import { SegmentedControl } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { changeLanguage, currentLanguage, type Language } from '../i18n/index.ts';

/** Tiếng Việt / English; the server's messages follow through the cookie and Accept-Language. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const value = i18n.language === 'en' ? 'en' : currentLanguage();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('lang.label')}
      value={value}
      onChange={(next) => {
        void changeLanguage(next as Language).then(() =>
          // reference names and server messages may depend on the language
          queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] !== 'session' }),
        );
      }}
      data={[
        { value: 'vi', label: <span lang="vi">Tiếng Việt</span> },
        { value: 'en', label: <span lang="en">English</span> },
      ]}
    />
  );
}
