// Typing notifications (https://spec.matrix.org/v1.19/client-server-api/#typing-notifications)
// delivered through /sync, including across two server processes sharing one
// PostgreSQL database (the change is relayed with NOTIFY; PGlite has a single
// process, so that case runs only when WEFT_TEST_DATABASE_URL names a server).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WeftServer } from "../src/index.js";
import { startSecondProcess, startTestServer, testBackends, type TestServer } from "./support/test-server.js";
import { call, register, roomPath, type RoomTestUser } from "./support/room-helpers.js";

type SyncBody = { next_batch: string; rooms: { join: Record<string, { ephemeral: { events: { type: string; content: { user_ids: string[] } }[] }; timeline?: { events: { event_id: string }[] } }> } };

/** The typing user IDs of `roomId` in a sync response, or undefined when it has no m.typing. */
function typingIn(sync: SyncBody, roomId: string): string[] | undefined {
  return sync.rooms.join[roomId]?.ephemeral.events.find((e) => e.type === "m.typing")?.content.user_ids;
}

describe.each(testBackends())("typing on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  let roomId: string;
  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await register(t, "alice");
    bob = await register(t, "bob");
    ({ room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat" }));
    await call(t, bob, "POST", roomPath(roomId, "/join"), {});
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("wakes a long poll with the typing list, then with its end when the timeout passes", async () => {
    const start: SyncBody = await call(t, bob, "GET", "/_matrix/client/v3/sync");
    const poll = call(t, bob, "GET", `/_matrix/client/v3/sync?since=${start.next_batch}&timeout=5000`);
    await call(t, alice, "PUT", roomPath(roomId, `/typing/${encodeURIComponent(alice.userId)}`), { typing: true, timeout: 300 });
    const typed: SyncBody = await poll;
    expect(typingIn(typed, roomId)).toEqual([alice.userId]);
    const stopped: SyncBody = await call(t, bob, "GET", `/_matrix/client/v3/sync?since=${typed.next_batch}&timeout=5000`);
    expect(typingIn(stopped, roomId)).toEqual([]);
  });

  if (backend.name === "postgres") {
    it("agrees across two server processes sharing the database", async () => {
      // A second process on the same database and data directory (same signing key).
      const second: WeftServer = await startSecondProcess(t);
      try {
        const on = async (server: WeftServer, user: RoomTestUser, method: string, path: string, body?: unknown): Promise<any> => {
          const res = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
          expect(res.status, path).toBe(200);
          return res.json();
        };
        // Give the second process's LISTEN connection a moment to be established.
        await new Promise((resolve) => setTimeout(resolve, 200));
        const start: SyncBody = await on(second, bob, "GET", "/_matrix/client/v3/sync");
        const poll = on(second, bob, "GET", `/_matrix/client/v3/sync?since=${start.next_batch}&timeout=5000`);
        await call(t, alice, "PUT", roomPath(roomId, `/typing/${encodeURIComponent(alice.userId)}`), { typing: true, timeout: 30_000 });
        const typed: SyncBody = await poll;
        expect(typingIn(typed, roomId)).toEqual([alice.userId]);
        // And back: stopping on the second process is seen by a sync on the first.
        const poll2 = call(t, bob, "GET", `/_matrix/client/v3/sync?since=${typed.next_batch}&timeout=5000`);
        await on(second, alice, "PUT", roomPath(roomId, `/typing/${encodeURIComponent(alice.userId)}`), { typing: false });
        const stopped: SyncBody = await poll2;
        expect(typingIn(stopped, roomId)).toEqual([]);
        // A message sent through the first process wakes a long poll on the second (the
        // processes found each other by hello/here on the channel, so events carry a NOTIFY).
        const poll3 = on(second, bob, "GET", `/_matrix/client/v3/sync?since=${stopped.next_batch}&timeout=5000`);
        const started = Date.now();
        const sent = await call(t, alice, "PUT", roomPath(roomId, "/send/m.room.message/relay1"), { msgtype: "m.text", body: "across" });
        const woken: SyncBody = await poll3;
        expect(Date.now() - started).toBeLessThan(4000);
        expect(woken.rooms?.join?.[roomId]?.timeline?.events.map((e) => e.event_id)).toContain(sent.event_id);
      } finally {
        await second.close(1000);
      }
    });
  }
});
