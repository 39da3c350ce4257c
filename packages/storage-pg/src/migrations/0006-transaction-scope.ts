// Transaction IDs are scoped to a device AND an HTTP endpoint: "a
// retransmission [is] the same transaction ID ... and the path of the HTTP
// request is the same" (https://spec.matrix.org/v1.19/client-server-api/#transaction-identifiers).
// 0002 keyed them by device alone, so reusing an ID in another room answered
// with the first room's event. `txn_scope` is the rest of the path: the room
// is its own column, the scope is `send/{eventType}` or `redact/{eventId}`.

import type { Migration } from "./index.js";

export const TRANSACTION_SCOPE: Migration = {
  id: "0006-transaction-scope",
  sql: `
ALTER TABLE events ADD COLUMN txn_scope TEXT;
UPDATE events SET txn_scope = CASE
    WHEN type = 'm.room.redaction' THEN 'redact/' || COALESCE(json::jsonb->>'redacts', json::jsonb->'content'->>'redacts', '')
    ELSE 'send/' || type
  END
  WHERE txn_id IS NOT NULL;
DROP INDEX events_txn;
CREATE UNIQUE INDEX events_txn ON events (sender, txn_device, room_id, txn_scope, txn_id) WHERE txn_id IS NOT NULL;
`,
};
