// The PDUs the server builds (https://spec.matrix.org/v1.19/server-server-api/#pdus):
// stored events verify with @weft/signing, event IDs are their reference
// hashes (v3+) or server-chosen (v1–2), v12 create events carry no room_id and
// name the room, auth_events follow the selection, and events chain by
// prev_events and depth. Checked on the stored JSON of rooms built over HTTP.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { computeEventId, computeRoomIdV12, parseSigningKeyFile, verifyEventSync, type SigningKey } from "@weft/signing";
import { currentStateRows, getRoomSummary, stateGroupIds, stateKeyOf } from "@weft/storage-pg";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";
import { call, register, sendText, type RoomTestUser } from "./support/room-helpers.js";

describe.each(testBackends())("built PDUs on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await register(t, "alice");
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it.each(["1", "2", "3", "5", "7", "10", "11", "12"])("room version %s: signed, hashed, chained", async (version) => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { room_version: version, name: "pdu" });
    await sendText(t, alice, roomId, "hello");
    const { rows } = await t.server.db.query<{ event_id: string; json: string; type: string }>(
      "SELECT event_id, json, type FROM events WHERE room_id = $1 ORDER BY stream_position",
      [roomId],
    );
    const serverName = t.server.config.server_name;
    const signingKey: SigningKey = parseSigningKeyFile(await readFile(join(t.server.config.data_dir, "signing.key"), "utf8"))[0]!;
    const byId = new Map<string, Record<string, unknown>>();
    let depth = 0;
    for (const row of rows) {
      const pdu = JSON.parse(row.json) as Record<string, unknown>;
      byId.set(row.event_id, pdu);
      expect(computeEventId(pdu, version)).toBe(row.event_id);
      if (version === "1" || version === "2") expect(row.event_id).toMatch(/:localhost$/);
      const verified = verifyEventSync(pdu, version, (server, keyId) => (server === serverName && keyId === signingKey.keyId ? { key: signingKey.publicKey } : null));
      expect(verified.outcome).toBe("accept");
      expect(pdu.depth).toBe(++depth);
      const refs = (pdu.prev_events as unknown[]).map((r) => (Array.isArray(r) ? r[0] : r));
      const authRefs = (pdu.auth_events as unknown[]).map((r) => (Array.isArray(r) ? r[0] : r));
      if (row.type === "m.room.create") {
        expect(refs).toEqual([]);
        if (version === "12") {
          expect(pdu.room_id).toBeUndefined();
          expect(computeRoomIdV12(pdu)).toBe(roomId);
        } else expect(pdu.room_id).toBe(roomId);
      } else {
        expect(refs).toHaveLength(1);
        expect(byId.has(refs[0] as string)).toBe(true);
        const authTypes = authRefs.map((id) => byId.get(id as string)!.type);
        // Since v12 the create event is implied by the room ID and never cited.
        expect(authTypes.includes("m.room.create")).toBe(version !== "12");
        if (row.type === "m.room.message") expect(authTypes).toEqual(expect.arrayContaining(["m.room.power_levels", "m.room.member"]));
      }
    }
    // The state group chain resolves to exactly the current state.
    const summary = await getRoomSummary(t.server.db, roomId);
    const fromGroups = await stateGroupIds(t.server.db, Number(summary!.state_group));
    const current = new Map((await currentStateRows(t.server.db, roomId)).map((r) => [stateKeyOf(r.type, r.state_key), r.event_id]));
    expect(fromGroups).toEqual(current);
  });
});
