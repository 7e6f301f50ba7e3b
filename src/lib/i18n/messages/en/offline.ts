/** English messages for offline use and the PWA: service worker, install, theme. */
export const offline = {
  'theme.label': 'Theme',
  'theme.system': 'Match system',
  'theme.light': 'Light',
  'theme.dark': 'Dark',
  'pwa.install': 'Install',
  'pwa.installHint':
    'Install Runboard on this device: it opens in its own window and works offline.',
  'pwa.offlineBanner':
    'You are offline. You see what is saved on this device; changes sync when you reconnect.',
  'pwa.offlineHint': 'Changes are kept on this device and sync when you reconnect.',
  'pwa.preferences': 'Language and theme'
} as const;
