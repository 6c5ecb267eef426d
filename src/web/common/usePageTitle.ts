import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/** The browser tab's title while the page is shown: "<title> · Đổi thẻ đảng viên", the app's name again after. */
export function usePageTitle(title: string): void {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
    return () => {
      document.title = t('app.name');
    };
  }, [title, t]);
}
