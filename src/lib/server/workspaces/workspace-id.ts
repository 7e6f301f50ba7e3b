/**
 * How a new workspace gets its id (the `<ws>` of every URL and document name): a readable slug
 * of its name, made unique with a short random suffix. One function for every door that creates
 * workspaces (the REST API and pages through workspaces-service.ts, and the admin CLI).
 *
 * Chinese names are spelled in pinyin, one syllable per word, without tones:
 * `运维平台` → `yun-wei-ping-tai`, `SRE 值班组` → `sre-zhi-ban-zu`. Syllables are not joined
 * into words (`yunwei-pingtai`) because that needs word segmentation that guesses; one syllable
 * per word is predictable, and anyone can type it. `ü` is written `v` (`绿` → `lv`), as pinyin
 * keyboards do. Server only: pinyin-pro carries a dictionary of several hundred kilobytes, and it
 * is loaded on the first Chinese name only (importing it costs ~50 ms and ~10 MB of heap, which a
 * server whose workspaces have English names should not pay).
 */
import type { DocumentStorage } from '../../../../sync-server/storage/types';
import { generateId } from '../../shared/model/ids';
import { boardDocName } from '../../shared/doc-name';
import { randomToken } from '../auth/secrets';
import type { Accounts } from '../accounts/accounts-store';

/** Longest id derived from a workspace name, before a random suffix. */
export const SLUG_MAX_LENGTH = 40;
/** Random suffixes tried when the slug is taken, before falling back to a random id. */
const SUFFIX_ATTEMPTS = 5;
/** CJK Unified Ideographs (and extension A): the characters pinyin-pro can spell. */
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff]/;

/** Spells the Han characters of `name` in pinyin, one syllable per word; other text is kept. */
async function romanize(name: string): Promise<string> {
  if (!HAN.test(name)) return name;
  const { pinyin } = await import('pinyin-pro');
  return pinyin(name, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true }).join(' ');
}

/**
 * A readable workspace id from a name: `Platform Team` → `platform-team`, `运维平台` →
 * `yun-wei-ping-tai`; '' when nothing readable is left (`！！！`). At most SLUG_MAX_LENGTH
 * characters, cut between words where there is one.
 */
export async function slugFromName(name: string): Promise<string> {
  const slug = (await romanize(name))
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= SLUG_MAX_LENGTH) return slug;
  const cut = slug.slice(0, SLUG_MAX_LENGTH + 1);
  const lastBreak = cut.lastIndexOf('-');
  return (lastBreak > 0 ? cut.slice(0, lastBreak) : cut.slice(0, SLUG_MAX_LENGTH)).replace(
    /-+$/,
    ''
  );
}

/**
 * A free id for a workspace named `name`: its slug when free, else the slug with a random
 * 4-character suffix (`platform-team-k3xq`), or `ws-` and 8 random characters when the name has
 * no readable slug; a random id as the last resort. `isFree` says whether an id may be used.
 */
export async function allocateWorkspaceId(
  name: string,
  isFree: (id: string) => Promise<boolean>
): Promise<string> {
  const slug = await slugFromName(name);
  if (slug !== '' && (await isFree(slug))) return slug;
  for (let attempt = 0; attempt < SUFFIX_ATTEMPTS; attempt++) {
    const id = slug === '' ? `ws-${randomToken(8)}` : `${slug}-${randomToken(4)}`;
    if (await isFree(id)) return id;
  }
  return generateId();
}

/**
 * Whether `id` is free: no workspace has it and no document was ever stored under it (documents
 * of an id that existed before accounts must not become part of a new workspace).
 */
export async function workspaceIdIsFree(
  accounts: Pick<Accounts, 'getWorkspace'>,
  storage: Pick<DocumentStorage, 'load'>,
  id: string
): Promise<boolean> {
  if (await accounts.getWorkspace(id)) return false;
  const stored = await storage.load(boardDocName(id));
  return stored.snapshot === null && stored.lastSeq === 0;
}
