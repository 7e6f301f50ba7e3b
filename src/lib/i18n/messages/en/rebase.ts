/** English messages for a document rebased on the server (docs/ARCHITECTURE.md, "Rebasing a document"). */
export const rebase = {
  'rebase.reloading': 'The board was compacted on the server; reloading…'
} as const;
