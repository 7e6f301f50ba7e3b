import { describe, expect, it } from 'vitest';
import { offsetPage, pageHeaders } from '../../src/lib/server/api/list-page';

const url = new URL('http://host.test/api/v1/workspaces/ops/tasks?q=tls&limit=2');
const items = ['a', 'b', 'c', 'd', 'e'];

describe('list pages', () => {
  it('slices a page and links the next one with the same query', () => {
    const page = offsetPage(items, { limit: 2, offset: 0 }, url);
    expect(page.body).toEqual(['a', 'b']);
    expect(page.headers['x-total-count']).toBe('5');
    expect(page.headers['link']).toBe(
      '</api/v1/workspaces/ops/tasks?q=tls&limit=2&offset=2>; rel="next"'
    );
    const second = offsetPage(items, { limit: 2, offset: 2 }, new URL(url + '&offset=2'));
    expect(second.body).toEqual(['c', 'd']);
    expect(second.headers['link']).toContain('offset=4>; rel="next"');
  });

  it('sends no next link on the last page or past the end, but always the total', () => {
    const last = offsetPage(items, { limit: 2, offset: 4 }, url);
    expect(last.body).toEqual(['e']);
    expect(last.headers).toEqual({ 'x-total-count': '5' });
    const past = offsetPage(items, { limit: 2, offset: 9 }, url);
    expect(past.body).toEqual([]);
    expect(past.headers).toEqual({ 'x-total-count': '5' });
    expect(offsetPage([], { limit: 10, offset: 0 }, url).headers).toEqual({
      'x-total-count': '0'
    });
  });

  it('links a cursor page without a total when the store cannot count cheaply', () => {
    expect(pageHeaders(url, { next: { before: '17' } })).toEqual({
      link: '</api/v1/workspaces/ops/tasks?q=tls&limit=2&before=17>; rel="next"'
    });
    expect(pageHeaders(url, { next: null })).toEqual({});
  });
});
