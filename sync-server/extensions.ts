/**
 * Sync extensions: the server's reactions to documents, as an ordered list (after Hocuspocus's
 * extensions). Each names the document kinds it watches; the list becomes the DocStore's hooks,
 * calling the extensions in order. Today: the board's task keys and the runbook watcher; later
 * the ledger, KPIs, the AI index and the Redis bus slot in the same way.
 */
import type { DocKind } from '../src/lib/shared/doc-name';
import type { ChangeContext, LoadContext, Logger, StoreContext, SyncHooks } from './hooks';

export interface SyncExtension {
  /** For logs. */
  readonly name: string;
  /** Document kinds it watches; all when absent. */
  readonly kinds?: readonly DocKind[];
  /** After a document is loaded, before any client sees it; extensions run one after another. */
  onLoad?(ctx: LoadContext): Promise<void> | void;
  /** After an update is applied (any origin). */
  onChange?(ctx: ChangeContext): void;
  /** Before a client's or peer's update is applied, with its bytes as they arrived. */
  onApply?(ctx: ChangeContext): void;
  /** After a batch of updates is durable, before it is broadcast. */
  onStore?(ctx: StoreContext): void;
  /**
   * At shutdown, after every document was unloaded: resolves when the work the extension
   * started (e.g. records written on unload) is done, before the database closes.
   */
  onClose?(): Promise<void> | void;
}

/** Waits for every extension's `onClose`; a failure is logged and the others still finish. */
export async function closeExtensions(
  extensions: readonly SyncExtension[],
  logger: Logger
): Promise<void> {
  await Promise.all(
    extensions.map(async (extension) => {
      try {
        await extension.onClose?.();
      } catch (error) {
        logger.error('sync: extension failed', {
          extension: extension.name,
          hook: 'onClose',
          error: String(error)
        });
      }
    })
  );
}

/**
 * The DocStore hooks that run `extensions` in order for the kinds each watches. A failing
 * `onLoad` fails the load (the document would be served without what the extension maintains);
 * a failing `onChange` or `onStore` is logged and the next extension still runs.
 */
export function extensionHooks(extensions: readonly SyncExtension[], logger: Logger): SyncHooks {
  const watches = (extension: SyncExtension, kind: DocKind) =>
    !extension.kinds || extension.kinds.includes(kind);
  const report = (extension: SyncExtension, hook: string, name: string, error: unknown) => {
    logger.error('sync: extension failed', {
      extension: extension.name,
      hook,
      doc: name,
      error: String(error)
    });
  };
  return {
    async onLoad(ctx) {
      for (const extension of extensions) {
        if (watches(extension, ctx.docName.kind)) await extension.onLoad?.(ctx);
      }
    },
    onChange(ctx) {
      for (const extension of extensions) {
        if (!extension.onChange || !watches(extension, ctx.docName.kind)) continue;
        try {
          extension.onChange(ctx);
        } catch (error) {
          report(extension, 'onChange', ctx.name, error);
        }
      }
    },
    onApply(ctx) {
      for (const extension of extensions) {
        if (!extension.onApply || !watches(extension, ctx.docName.kind)) continue;
        try {
          extension.onApply(ctx);
        } catch (error) {
          report(extension, 'onApply', ctx.name, error);
        }
      }
    },
    onStore(ctx) {
      for (const extension of extensions) {
        if (!extension.onStore) continue;
        try {
          extension.onStore(ctx);
        } catch (error) {
          report(extension, 'onStore', ctx.name, error);
        }
      }
    }
  };
}
