import type { Migration } from "./index.js";

/**
 * End-to-end encryption (https://spec.matrix.org/v1.19/client-server-api/#end-to-end-encryption):
 * device keys, one-time keys (claimed oldest first by `id`), issued key IDs
 * (kept 7 days so a retried upload cannot put a claimed key back), fallback
 * keys with their used flag, cross-signing keys, signatures by others,
 * the device-list change log, to-device inboxes with transaction IDs, and
 * server-side key backups. Key objects are stored as the JSON text received
 * (key order kept; signatures are checked over canonical JSON anyway).
 * Positions come from the global `weft_stream` counter.
 */
export const E2EE: Migration = {
  id: "0100-e2ee",
  sql: `
CREATE TABLE e2ee_device_keys (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  key_json TEXT NOT NULL,
  PRIMARY KEY (user_id, device_id)
);

CREATE TABLE e2ee_one_time_keys (
  id BIGSERIAL PRIMARY KEY,
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  key_id TEXT NOT NULL,
  key_json TEXT NOT NULL,
  UNIQUE (user_id, device_id, key_id)
);
CREATE INDEX e2ee_one_time_keys_claim ON e2ee_one_time_keys (user_id, device_id, algorithm, id);

CREATE TABLE e2ee_issued_keys (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  key_id TEXT NOT NULL,
  issued_ts BIGINT NOT NULL,
  PRIMARY KEY (user_id, device_id, key_id)
);
CREATE INDEX e2ee_issued_keys_ts ON e2ee_issued_keys (issued_ts);

CREATE TABLE e2ee_fallback_keys (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  key_id TEXT NOT NULL,
  key_json TEXT NOT NULL,
  used BOOLEAN NOT NULL DEFAULT false,
  PRIMARY KEY (user_id, device_id, algorithm)
);

CREATE TABLE e2ee_cross_signing_keys (
  user_id TEXT NOT NULL,
  key_type TEXT NOT NULL,
  key_json TEXT NOT NULL,
  PRIMARY KEY (user_id, key_type)
);

-- Signatures uploaded through /keys/signatures/upload. target_key_id is a
-- device ID or a cross-signing public key.
CREATE TABLE e2ee_key_signatures (
  target_user_id TEXT NOT NULL,
  target_key_id TEXT NOT NULL,
  signer_user_id TEXT NOT NULL,
  signer_key_id TEXT NOT NULL,
  signature TEXT NOT NULL,
  PRIMARY KEY (target_user_id, target_key_id, signer_user_id, signer_key_id)
);

CREATE TABLE e2ee_device_list_changes (
  user_id TEXT NOT NULL,
  stream_position BIGINT NOT NULL,
  PRIMARY KEY (user_id, stream_position)
);
CREATE INDEX e2ee_device_list_changes_stream ON e2ee_device_list_changes (stream_position);

CREATE TABLE e2ee_to_device (
  id BIGSERIAL PRIMARY KEY,
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  stream_position BIGINT NOT NULL,
  sender TEXT NOT NULL,
  type TEXT NOT NULL,
  content TEXT NOT NULL
);
CREATE INDEX e2ee_to_device_inbox ON e2ee_to_device (user_id, device_id, stream_position);

CREATE TABLE e2ee_to_device_txns (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  txn_id TEXT NOT NULL,
  stream_position BIGINT NOT NULL,
  PRIMARY KEY (user_id, device_id, txn_id)
);

CREATE TABLE e2ee_backup_versions (
  user_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  algorithm TEXT NOT NULL,
  auth_data TEXT NOT NULL,
  etag BIGINT NOT NULL DEFAULT 0,
  deleted BOOLEAN NOT NULL DEFAULT false,
  PRIMARY KEY (user_id, version)
);

CREATE TABLE e2ee_backup_sessions (
  user_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  room_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (user_id, version, room_id, session_id)
);
`,
};
