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
