// Reporting users: https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3usersuseridreport

import type { Migration } from "./index.js";

/** `user_reports`: reports of users, kept for the server's admins. */
export const USER_REPORTS: Migration = {
  id: "0004-user-reports",
  sql: `
CREATE TABLE user_reports (
  id BIGSERIAL PRIMARY KEY,
  target_user_id TEXT NOT NULL,
  reporter TEXT NOT NULL,
  reason TEXT,
  received_ts BIGINT NOT NULL
);
CREATE INDEX user_reports_target ON user_reports (target_user_id);
`,
};
