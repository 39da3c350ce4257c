// The optional modules driven by matrix-js-sdk as a real client: search with
// context and back-pagination (what Element's room search calls), room
// upgrades, OpenID tokens for widgets, TURN, and peeking into a
// world-readable room (GET /rooms/{roomId}/initialSync via peekInRoom).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerClient, sdk, silenceSdkLogs, type Client } from "./support/matrix-sdk.js";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";

describe.each(testBackends())("modules through matrix-js-sdk on $name", (backend) => {
  let t: TestServer;
  let alice: Client;
  let bob: Client;
  let roomId: string;
  beforeAll(async () => {
    silenceSdkLogs();
    t = await startTestServer(backend);
    alice = await registerClient(t.url, "alice");
    bob = await registerClient(t.url, "bob");
    ({ room_id: roomId } = await alice.createRoom({ name: "SDK room", preset: sdk.Preset.PublicChat }));
    for (let i = 0; i < 7; i++) await alice.sendTextMessage(roomId, `kiwi number ${i}`);
  }, 60_000);
  afterAll(async () => {
    alice?.stopClient();
    bob?.stopClient();
    await t?.close();
  });

  it("searches room events and back-paginates the results", async () => {
    // Element's room search: recent order, one event of context each side, profiles.
    const first = await alice.search({
      body: { search_categories: { room_events: { search_term: "kiwi", order_by: sdk.SearchOrderBy.Recent, filter: { limit: 5 }, event_context: { before_limit: 1, after_limit: 1, include_profile: true } } } },
    });
    const re = first.search_categories.room_events!;
    const hits = re.results!;
    expect(re.count).toBe(7);
    expect(hits).toHaveLength(5);
    expect(hits[0]!.result.content.body).toBe("kiwi number 6");
    expect(hits[1]!.context?.events_after?.[0]?.content.body).toBe("kiwi number 6");
    expect(re.next_batch).toBeDefined();
    const results = await alice.searchRoomEvents({ term: "kiwi", filter: { limit: 5 } as never });
    expect(results.results).toHaveLength(5);
    expect(results.highlights).toContain("kiwi");
    const more = await alice.backPaginateRoomEventsSearch(results);
    expect(more.results).toHaveLength(7);
  });

  it("upgrades a room", async () => {
    const { replacement_room: newRoom } = await alice.upgradeRoom(roomId, "12");
    const tombstone = await alice.getStateEvent(roomId, "m.room.tombstone", "");
    expect(tombstone.replacement_room).toBe(newRoom);
    const create = await alice.getStateEvent(newRoom, "m.room.create", "");
    expect(create.predecessor).toEqual({ room_id: roomId });
  });

  it("gets an OpenID token and TURN settings", async () => {
    const token = await alice.getOpenIdToken();
    expect(token).toMatchObject({ token_type: "Bearer", matrix_server_name: "localhost" });
    const info = await fetch(`${t.url}/_matrix/federation/v1/openid/userinfo?access_token=${encodeURIComponent(token.access_token)}`);
    expect(await info.json()).toEqual({ sub: alice.getUserId() });
    expect(await alice.turnServer()).toEqual({});
  });

  it("peeks into a world-readable room", async () => {
    const { room_id: peekable } = await alice.createRoom({ preset: sdk.Preset.PublicChat, initial_state: [{ type: "m.room.history_visibility", state_key: "", content: { history_visibility: "world_readable" } }] });
    await alice.sendTextMessage(peekable, "hello, peekers");
    const snapshot = await bob.roomInitialSync(peekable, 10);
    expect(snapshot.room_id).toBe(peekable);
    expect(snapshot.messages?.chunk.map((e) => e.content.body)).toContain("hello, peekers");
    expect(snapshot.state?.some((e) => e.type === "m.room.create")).toBe(true);
  });
});
