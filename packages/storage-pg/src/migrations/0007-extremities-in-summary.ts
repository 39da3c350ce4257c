// A room's forward extremities move into its summary row. As a table of
// (room, event) rows every message deleted one row and inserted another: a
// dead tuple and a dead index entry per message, which autovacuum (a minute
// apart by default) left for every later send to step over: measured at 905
// dead entries after 900 sends, the extremity delete alone cost 120 µs of the
// statement's 360. The summary row is already rewritten by every send, and as
// a HOT update (no indexed column changes), so carrying the set there costs
// no extra tuple at all.

import type { Migration } from "./index.js";

export const EXTREMITIES_IN_SUMMARY: Migration = {
  id: "0007-extremities-in-summary",
  sql: `
ALTER TABLE room_summaries ADD COLUMN forward_extremities TEXT[] NOT NULL DEFAULT '{}';
UPDATE room_summaries s SET forward_extremities = f.ids
  FROM (SELECT room_id, array_agg(event_id ORDER BY event_id) AS ids FROM room_forward_extremities GROUP BY room_id) f
  WHERE f.room_id = s.room_id;
DROP TABLE room_forward_extremities;
`,
};
