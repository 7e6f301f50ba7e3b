/**
 * `outbox.claimed_by`: which node holds a message it is delivering (notifications-store.ts
 * `claimDue`). A node starting again releases only the claims its previous process left, never
 * those another node's attempts hold (several nodes, issue 18).
 */
export const sql = () => `
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
`;
