// End to end with matrix-js-sdk as a real client: two users register, create a
// room, invite, join, exchange messages seen through the SDK's sync loop,
// paginate history and leave — on PGlite and (when WEFT_TEST_DATABASE_URL is
// set) PostgreSQL.

import { describe, expect, it } from "vitest";
import { silenceSdkLogs, syncingPair, sdk, startSyncing, waitFor, type Client } from "./support/matrix-sdk.js";
import { testBackends } from "./support/test-server.js";

silenceSdkLogs();

describe.each(testBackends())("matrix-js-sdk against Weft on $name", (backend) => {
  const pair = syncingPair(backend);

  it("creates a room, invites, joins, chats, paginates and leaves", async () => {
    const { server: t, alice, bob } = pair;
    const { room_id: roomId } = await alice.createRoom({ name: "E2E", preset: sdk.Preset.PrivateChat });
    await alice.invite(roomId, bob.getUserId()!);
    await waitFor("bob to see the invite", () => bob.getRoom(roomId)?.getMyMembership() === "invite");
    await bob.joinRoom(roomId);
    await waitFor("alice to see bob join", () => alice.getRoom(roomId)?.getMember(bob.getUserId()!)?.membership === "join");

    for (let i = 0; i < 25; i++) await alice.sendTextMessage(roomId, `message ${i}`);
    await bob.sendTextMessage(roomId, "hello alice");
    const bodies = (c: Client): string[] =>
      c.getRoom(roomId)!.getLiveTimeline().getEvents().filter((e) => e.getType() === "m.room.message").map((e) => e.getContent().body as string);
    await waitFor("alice to see bob's reply", () => bodies(alice).includes("hello alice"));
    await waitFor("bob to see alice's last message", () => bodies(bob).includes("message 24"));
    expect(bob.getRoom(roomId)!.name).toBe("E2E");

    // A fresh client's initial sync sees only the latest events; scrollback fetches the rest.
    const bob2 = sdk.createClient({ baseUrl: t.url, userId: bob.getUserId()!, accessToken: bob.getAccessToken()!, deviceId: bob.getDeviceId()! });
    await startSyncing(bob2);
    try {
      const room = bob2.getRoom(roomId)!;
      expect(bodies(bob2).length).toBeLessThanOrEqual(10);
      for (let i = 0; i < 5 && !bodies(bob2).includes("message 0"); i++) await bob2.scrollback(room, 20);
      const all = bodies(bob2);
      expect(all).toContain("message 0");
      expect(all.indexOf("message 0")).toBeLessThan(all.indexOf("message 24"));
      const page = await bob2.createMessagesRequest(roomId, null, 5, sdk.Direction.Backward);
      expect(page.chunk).toHaveLength(5);
      expect(page.chunk[0]!.content.body).toBe("hello alice");
    } finally {
      bob2.stopClient();
    }

    await bob.leave(roomId);
    await waitFor("alice to see bob leave", () => alice.getRoom(roomId)?.getMember(bob.getUserId()!)?.membership === "leave");
    await waitFor("bob's client to record the leave", () => bob.getRoom(roomId)?.getMyMembership() === "leave");
  }, 60_000);
});
