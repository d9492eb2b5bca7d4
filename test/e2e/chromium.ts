import type { LaunchOptions } from 'playwright-core';

/**
 * The machine's Chromium (Debian `chromium`, or CHROMIUM_PATH), driven by playwright-core: no browser download.
 * Shared by the browser tests and the portal budget bench.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a headless Chromium on a shared 2-core machine running as root. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-extensions',
  '--disable-sync',
  '--no-first-run',
  '--mute-audio',
];

/**
 * How to launch that Chromium in French, as the portal's users see it. A context's `locale: 'fr-FR'` sets the
 * page's language (navigator.language, Intl, Accept-Language) but not the browser's own strings: the native file
 * input (« Choisir un fichier »), a date input's format (jj/mm/aaaa) and the validation bubbles come from the
 * browser's UI language, which Chromium on Linux reads from LANGUAGE (`--lang` is ignored there) and finds in its
 * locale files (Debian package `chromium-l10n`; without it, Chromium falls back to English).
 */
export function chromiumLaunchOptions(): LaunchOptions {
  return { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, env: { ...process.env, LANGUAGE: 'fr' } };
}
