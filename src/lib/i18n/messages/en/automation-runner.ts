/** English messages of the remote runner protocol: API docs. */
export const automationRunner = {
  'apiDocs.op.runnerClaim': 'Claim the next run (remote runner)',
  'apiDocs.op.runnerOutput': 'Send a run’s output (remote runner)',
  'apiDocs.op.runnerFinish': 'Report how a run ended (remote runner)',
  'apiDocs.op.runnerHeartbeat': 'Say which runs are still going (remote runner)'
} as const;
