/**
 * Workspace ids from names: English slugs, pinyin for Chinese (one syllable per word), mixed
 * names, names with nothing readable, the length cut, and the unique-suffix fallback.
 */
import { describe, expect, it } from 'vitest';
import {
  SLUG_MAX_LENGTH,
  allocateWorkspaceId,
  slugFromName
} from '../../src/lib/server/workspaces/workspace-id';
import { isValidId } from '../../src/lib/shared/doc-name';

describe('slugFromName', () => {
  it.each([
    ['Platform Team', 'platform-team'],
    ['  Café Ops!  ', 'cafe-ops'],
    ['运维平台', 'yun-wei-ping-tai'],
    ['SRE 值班组', 'sre-zhi-ban-zu'],
    ['数据库DBA组', 'shu-ju-ku-dba-zu'],
    ['重庆机房', 'chong-qing-ji-fang'],
    ['绿色通道', 'lv-se-tong-dao'],
    ['長沙團隊', 'chang-sha-tuan-dui'],
    ['运维（二组）', 'yun-wei-er-zu'],
    ['！！！', ''],
    ['—', ''],
    ['αβγ', '']
  ])('%s → %s', async (name, slug) => {
    expect(await slugFromName(name)).toBe(slug);
  });

  it('cuts long names between words, never mid-syllable', async () => {
    const name = '中华人民共和国国家发展和改革委员会运维值班组';
    const slug = await slugFromName(name);
    expect(slug.length).toBeLessThanOrEqual(SLUG_MAX_LENGTH);
    expect(slug.length).toBeGreaterThan(SLUG_MAX_LENGTH - 8);
    const all = 'zhong-hua-ren-min-gong-he-guo-guo-jia-fa-zhan-he-gai-ge-wei-yuan-hui';
    expect(all.startsWith(`${slug}-`)).toBe(true);
    expect(await slugFromName('a'.repeat(60))).toBe('a'.repeat(SLUG_MAX_LENGTH));
  });

  it('always yields a valid id', async () => {
    for (const name of ['运维平台', 'SRE 值班组', 'Platform Team', '中'.repeat(100)]) {
      expect(isValidId(await slugFromName(name))).toBe(true);
    }
  });
});

describe('allocateWorkspaceId', () => {
  it('takes the slug when it is free', async () => {
    expect(await allocateWorkspaceId('运维平台', async () => true)).toBe('yun-wei-ping-tai');
  });

  it('adds a random suffix when the slug is taken', async () => {
    const taken = new Set(['yun-wei-ping-tai']);
    const id = await allocateWorkspaceId('运维平台', async (candidate) => !taken.has(candidate));
    expect(id).toMatch(/^yun-wei-ping-tai-[a-z2-9]{4}$/);
  });

  it('falls back to ws- and random characters for a name without a readable slug', async () => {
    const id = await allocateWorkspaceId('！！！', async () => true);
    expect(id).toMatch(/^ws-[a-z2-9]{8}$/);
  });

  it('ends with a random id when every candidate is taken', async () => {
    const tried: string[] = [];
    const id = await allocateWorkspaceId('SRE 值班组', async (candidate) => {
      tried.push(candidate);
      return false;
    });
    expect(tried[0]).toBe('sre-zhi-ban-zu');
    expect(tried.slice(1).every((c) => /^sre-zhi-ban-zu-[a-z2-9]{4}$/.test(c))).toBe(true);
    expect(tried).not.toContain(id);
    expect(isValidId(id)).toBe(true);
  });
});
