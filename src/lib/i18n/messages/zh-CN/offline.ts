import type { Translation } from '../types';
import type { offline as en } from '../en/offline';

/**
 * Simplified Chinese messages for offline use and the PWA: service worker, install, theme, key for
 * key as in en/offline.ts.
 */
export const offline: Translation<typeof en> = {
  'theme.label': '主题',
  'theme.system': '跟随系统',
  'theme.light': '浅色',
  'theme.dark': '深色',
  'pwa.install': '安装',
  'pwa.installHint': '将 Runboard 安装到此设备：在独立窗口中打开，离线也能使用。',
  'pwa.offlineBanner': '当前处于离线状态。显示的是本设备上保存的内容，恢复连接后更改会自动同步。',
  'pwa.offlineHint': '更改会保存在本设备上，恢复连接后自动同步。',
  'pwa.preferences': '语言和主题'
};
