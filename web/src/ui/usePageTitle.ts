import { useEffect } from 'react';

/** Every page has its own `<title>` (RGAA 8.6): « Synthèse — Factures de travaux ». */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} — Factures de travaux`;
  }, [title]);
}
