// The stock y-websocket client as the benchmarks drive it in Node.

/**
 * Resolves once `provider` has completed its first sync; rejects after `timeoutMs`.
 * @param {import('y-websocket').WebsocketProvider} provider
 * @param {number} timeoutMs
 */
export function whenSynced(provider, timeoutMs) {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no sync within ${timeoutMs} ms`)), timeoutMs);
    /** @param {boolean} synced */
    const onSync = (synced) => {
      if (!synced) return;
      clearTimeout(timer);
      provider.off('sync', onSync);
      resolve(undefined);
    };
    provider.on('sync', onSync);
  });
}
