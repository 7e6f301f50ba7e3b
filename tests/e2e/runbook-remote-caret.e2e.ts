/**
 * The runbook editor acts where the caret is on screen, even when ProseMirror has not read the
 * browser's last caret move yet. Browsers report a move (a click, Ctrl+End) with an
 * asynchronous `selectionchange`; on a busy machine the next keys, or a remote edit, come
 * first. Both orders are made deterministic here: a listener capturing on window runs before
 * ProseMirror's own and either holds the report back or, in that very moment, lets a held
 * remote update in. The page's websocket is wrapped by an init script so sync updates can be
 * held; the remote edit is real (a second client edits through the server).
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type * as Y from 'yjs';
import { connectClient, whenSynced, type TestClient } from '../helpers/clients';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

/**
 * Runs in the page before its scripts: records every WebSocket and lets the test hold the sync
 * updates (`[0, 2, …]`, y-websocket's messageSync + messageYjsUpdate) they receive, then deliver
 * them on demand from inside an event listener.
 */
function holdRemoteUpdates(): void {
  interface Held {
    deliver: () => void;
  }
  const state = {
    holding: false,
    held: [] as Held[],
    /** What the last release saw right after delivering (see `releaseOn`). */
    released: null as null | { delivered: number; text: string }
  };
  (window as unknown as { __remote: typeof state }).__remote = state;
  const Native = window.WebSocket;
  class HeldWebSocket extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      let handler: ((event: MessageEvent) => void) | null = null;
      Object.defineProperty(this, 'onmessage', {
        get: () => handler,
        set: (next: ((event: MessageEvent) => void) | null) => {
          handler = next;
        }
      });
      super.addEventListener('message', (event: MessageEvent) => {
        const bytes = event.data instanceof ArrayBuffer ? new Uint8Array(event.data) : null;
        const isUpdate = bytes !== null && bytes[0] === 0 && bytes[1] === 2;
        const deliver = () => handler?.call(this, event);
        if (state.holding && isUpdate) state.held.push({ deliver });
        else deliver();
      });
    }
  }
  window.WebSocket = HeldWebSocket;
}

/** In the page: holds remote updates from now on. */
function startHolding(page: Page): Promise<void> {
  return page.evaluate(() => {
    (window as unknown as { __remote: { holding: boolean } }).__remote.holding = true;
  });
}

/**
 * In the page: the first `eventName` event (seen first, capturing on window) delivers the held
 * updates synchronously, before ProseMirror's own handling of that change.
 */
function releaseOn(page: Page, eventName: 'input' | 'selectionchange'): Promise<void> {
  return page.evaluate((name) => {
    const remote = (
      window as unknown as {
        __remote: {
          holding: boolean;
          held: { deliver: () => void }[];
          released: null | { delivered: number; text: string };
        };
      }
    ).__remote;
    const release = () => {
      window.removeEventListener(name, release, true);
      remote.holding = false;
      const held = remote.held.splice(0);
      for (const message of held) message.deliver();
      const root = document.querySelector('[data-testid="runbook-content"]');
      remote.released = { delivered: held.length, text: root?.textContent ?? '' };
    };
    window.addEventListener(name, release, true);
  }, eventName);
}

/**
 * In the page: while `hold` is on, `selectionchange` events stop before ProseMirror's listener
 * (capturing on window runs first); the browser keeps the caret where the keys put it.
 */
function holdSelectionReports(page: Page, hold: boolean): Promise<void> {
  return page.evaluate((on) => {
    const holder = window as unknown as { __swallow?: (event: Event) => void };
    if (on) {
      holder.__swallow = (event) => event.stopImmediatePropagation();
      window.addEventListener('selectionchange', holder.__swallow, true);
    } else if (holder.__swallow) {
      window.removeEventListener('selectionchange', holder.__swallow, true);
      delete holder.__swallow;
    }
  }, hold);
}

function heldCount(page: Page): Promise<number> {
  return page.evaluate(
    () => (window as unknown as { __remote: { held: unknown[] } }).__remote.held.length
  );
}

function released(page: Page): Promise<{ delivered: number; text: string } | null> {
  return page.evaluate(
    () =>
      (window as unknown as { __remote: { released: { delivered: number; text: string } | null } })
        .__remote.released
  );
}

/** The editor's text block by block, without other people's caret labels. */
function documentText(page: Page): Promise<string[]> {
  return page.getByTestId('runbook-content').evaluate((root) => {
    const copy = root.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.collaboration-carets__caret').forEach((caret) => caret.remove());
    return [...copy.children].map((block) => (block.textContent ?? '').trim());
  });
}

/** ProseMirror's own caret (not the DOM's): its head and the document's end. */
function editorCaret(page: Page): Promise<{ head: number; end: number }> {
  return page.getByTestId('runbook-content').evaluate((root) => {
    const editor = (
      root as unknown as {
        editor: { state: { selection: { head: number }; doc: { content: { size: number } } } };
      }
    ).editor;
    return { head: editor.state.selection.head, end: editor.state.doc.content.size - 1 };
  });
}

test.describe('runbook caret before the editor has read a caret move', () => {
  let context: BrowserContext | null = null;
  let remote: TestClient | null = null;

  test.afterEach(async () => {
    remote?.destroy();
    remote = null;
    await context?.close();
    context = null;
  });

  /**
   * A runbook open in a page that can hold remote updates, and a second client (Node, an API
   * token) on the same document; `remoteEdit` prefixes the runbook's first paragraph.
   */
  async function setUp(
    browser: Browser,
    options: { remoteClient?: boolean } = {}
  ): Promise<{ page: Page; remoteEdit: () => void }> {
    const { owner, baseURL } = e2eAccounts();
    const ws = await newWorkspace('rb-caret', { member: null });
    const api = await apiAs(owner);
    let id: string;
    let token: string;
    try {
      const created = await api.post(`/api/v1/workspaces/${ws}/runbooks`, {
        data: {
          title: 'Rotate certificates',
          markdown: '# Rotate certificates\n\nRenew the wildcard certificate.\n'
        }
      });
      expect(created.status(), await created.text()).toBe(201);
      id = ((await created.json()) as { id: string }).id;
      const issued = await api.post('/api/v1/tokens', { data: { name: 'caret', workspaceId: ws } });
      expect(issued.status(), await issued.text()).toBe(201);
      token = ((await issued.json()) as { token: string }).token;
    } finally {
      await api.dispose();
    }

    context = await browser.newContext({ ...signedIn(owner), locale: 'en-US' });
    await context.addInitScript(holdRemoteUpdates);
    const page = await context.newPage();
    await page.goto(`/w/${ws}/runbooks/${id}`);
    const badge = page.getByTestId('runbook-page').getByTestId('sync-badge');
    await expect(badge).toHaveAttribute('data-state', 'online', { timeout: 10_000 });
    await expect(badge).toHaveAttribute('data-synced', 'true', { timeout: 10_000 });
    await expect(page.getByTestId('runbook-content')).toContainText('Renew the wildcard');

    if (options.remoteClient === false) {
      return {
        page,
        remoteEdit: () => {
          throw new Error('no remote client in this test');
        }
      };
    }
    const client = connectClient(`${baseURL.replace(/^http/, 'ws')}/sync`, `${ws}.runbook.${id}`, {
      params: { token }
    });
    remote = client;
    await whenSynced(client);
    const remoteEdit = () => {
      const paragraph = client.doc.getXmlFragment('content').get(1) as Y.XmlElement;
      (paragraph.get(0) as Y.XmlText).insert(0, 'Remote: ');
    };
    return { page, remoteEdit };
  }

  /** Holds the next remote edit in the page until `releaseOn` lets it go. */
  async function holdRemoteEdit(page: Page, remoteEdit: () => void): Promise<void> {
    await startHolding(page);
    remoteEdit();
    await expect.poll(() => heldCount(page), { timeout: 10_000 }).toBeGreaterThan(0);
  }

  test('Enter right after a caret move the browser has not reported yet splits where the caret is', async ({
    browser
  }) => {
    const { page } = await setUp(browser, { remoteClient: false });
    await page.getByTestId('runbook-content').click();
    await page.keyboard.press('ControlOrMeta+Home');
    await expect.poll(async () => (await editorCaret(page)).head).toBe(1);

    // Under load the browser runs the next keys before it reports the caret move
    // (`selectionchange` is an ordinary task; input goes first): hold the report back.
    await holdSelectionReports(page, true);
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.press('Enter');
    await holdSelectionReports(page, false);
    await page.keyboard.type('A step added after the version');

    await expect
      .poll(() => documentText(page))
      .toEqual([
        'Rotate certificates',
        'Renew the wildcard certificate.',
        'A step added after the version'
      ]);
  });

  test('a caret moved by a key just before a remote edit lands stays where it was moved', async ({
    browser
  }) => {
    const { page, remoteEdit } = await setUp(browser);
    await page.getByTestId('runbook-content').click();
    await page.keyboard.press('ControlOrMeta+End');
    await expect
      .poll(async () => {
        const caret = await editorCaret(page);
        return caret.head === caret.end;
      })
      .toBe(true);

    await holdRemoteEdit(page, remoteEdit);
    // The remote edit lands after the browser has moved the caret to the start and before
    // ProseMirror has read the move (its `selectionchange` listener runs after this one).
    await releaseOn(page, 'selectionchange');
    await page.keyboard.press('ControlOrMeta+Home');
    await expect.poll(async () => (await released(page))?.delivered ?? 0).toBeGreaterThan(0);
    expect((await released(page))?.text).toContain('Remote: Renew');
    await page.keyboard.type('Before ');

    await expect
      .poll(() => documentText(page))
      .toEqual(['Before Rotate certificates', 'Remote: Renew the wildcard certificate.']);
  });

  test('the first letter typed into a new line keeps the caret after it, even when the browser reports it late', async ({
    browser
  }) => {
    const { page } = await setUp(browser, { remoteClient: false });
    await page.getByTestId('runbook-content').click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await editorCaret(page)).head).toBeGreaterThan(30);

    // What Chrome does on a busy machine when the first letter goes into an empty block: by the
    // time ProseMirror reads the typed text, the DOM selection still sits in front of it. A
    // listener that runs before ProseMirror's (capturing on window) puts it there, once.
    await page.evaluate(() => {
      const putCaretBeforeLetter = () => {
        window.removeEventListener('input', putCaretBeforeLetter, true);
        const selection = document.getSelection();
        const text = selection?.anchorNode;
        if (selection && text && text.nodeType === Node.TEXT_NODE) selection.collapse(text, 0);
      };
      window.addEventListener('input', putCaretBeforeLetter, true);
    });
    await page.keyboard.type('Owner writes step one');

    await expect
      .poll(() => documentText(page))
      .toEqual(['Rotate certificates', 'Renew the wildcard certificate.', 'Owner writes step one']);
  });
});
