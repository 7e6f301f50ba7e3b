import type { Translation } from '../types';
import type { rebase as en } from '../en/rebase';

/** Simplified Chinese messages for a document rebased on the server, key for key as in en/rebase.ts. */
export const rebase: Translation<typeof en> = {
  'rebase.reloading': '服务器已压缩看板，正在重新加载…'
};
