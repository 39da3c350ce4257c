// Server-side search over HTTP: https://spec.matrix.org/v1.19/client-server-api/#server-side-search
// (POST /search: ranking, recency, keys, filters, history visibility, context,
// groupings, state, next_batch, and the error paths).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";
import { call, register, roomPath, sendText, type RoomTestUser } from "./support/room-helpers.js";

const SEARCH = "/_matrix/client/v3/search";
const search = (room_events: Record<string, unknown>) => ({ search_categories: { room_events } });

describe.each(testBackends())("POST /search on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  let charlie: RoomTestUser;
  let lobby: string;
  let secret: string;
  beforeAll(async () => {
    t = await startTestServer(backend);
    [alice, bob, charlie] = await Promise.all([register(t, "alice"), register(t, "bob"), register(t, "charlie")]);
    lobby = (await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat", name: "Lunch plans", topic: "where to eat lunch" })).room_id;
    secret = (await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { preset: "private_chat", name: "Secret" })).room_id;
    await call(t, bob, "POST", roomPath(lobby, "/join"), {});
    await call(t, bob, "PUT", `/_matrix/client/v3/profile/${encodeURIComponent(bob.userId)}/displayname`, { displayname: "Bob" });
    await sendText(t, alice, lobby, "shall we have lunch at noon?");
    await sendText(t, bob, lobby, "lunch lunch lunch, I am starving");
    await sendText(t, alice, lobby, "the pizza place is fine");
    await sendText(t, alice, secret, "secret lunch with the board");
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("finds messages, names and topics by rank, with highlights and count", async () => {
    const body = await call(t, bob, "POST", SEARCH, search({ search_term: "lunch" }));
    const re = body.search_categories.room_events;
    // Bob is not in the secret room: his results come from the lobby only.
    const types = re.results.map((r: any) => r.result.type).sort();
    expect(types).toEqual(["m.room.message", "m.room.message", "m.room.name", "m.room.topic"]);
    expect(re.count).toBe(4);
    expect(re.highlights).toEqual(["lunch"]);
    for (const r of re.results) expect(r.result.room_id).toBe(lobby);
    // Rank order: the message repeating the word ranks above the one saying it once.
    const messages = re.results.filter((r: any) => r.result.type === "m.room.message");
    expect(messages[0].result.content.body).toMatch(/lunch lunch lunch/);
    const ranks = re.results.map((r: any) => r.rank);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    expect(re.next_batch).toBeUndefined();
  });

  it("restricts to keys and orders by recency", async () => {
    const body = await call(t, alice, "POST", SEARCH, search({ search_term: "lunch", keys: ["content.body"], order_by: "recent" }));
    const bodies = body.search_categories.room_events.results.map((r: any) => r.result.content.body);
    expect(bodies).toEqual(["secret lunch with the board", "lunch lunch lunch, I am starving", "shall we have lunch at noon?"]);
  });

  it("applies the room event filter (rooms, senders) and paginates with next_batch", async () => {
    const onlyBob = await call(t, alice, "POST", SEARCH, search({ search_term: "lunch", filter: { senders: [bob.userId] } }));
    expect(onlyBob.search_categories.room_events.results.map((r: any) => r.result.sender)).toEqual([bob.userId]);
    const notLobby = await call(t, alice, "POST", SEARCH, search({ search_term: "lunch", filter: { not_rooms: [lobby] } }));
    expect(notLobby.search_categories.room_events.results.map((r: any) => r.result.room_id)).toEqual([secret]);

    for (const order_by of ["recent", "rank"]) {
      const seen: string[] = [];
      let next: string | undefined;
      let pages = 0;
      do {
        const path = next ? `${SEARCH}?next_batch=${encodeURIComponent(next)}` : SEARCH;
        const page = await call(t, alice, "POST", path, search({ search_term: "lunch", order_by, filter: { limit: 2 } }));
        const re = page.search_categories.room_events;
        seen.push(...re.results.map((r: any) => r.result.event_id));
        next = re.next_batch;
        pages++;
      } while (next && pages < 10);
      expect(seen).toHaveLength(5);
      expect(new Set(seen).size).toBe(5);
    }
  });

  it("respects history visibility: a user who joins later with 'joined' visibility does not see earlier messages", async () => {
    const room = (await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat" })).room_id;
    await call(t, alice, "PUT", roomPath(room, "/state/m.room.history_visibility/"), { history_visibility: "joined" });
    await sendText(t, alice, room, "zebra before charlie joined");
    await call(t, charlie, "POST", roomPath(room, "/join"), {});
    await sendText(t, alice, room, "zebra after charlie joined");
    const body = await call(t, charlie, "POST", SEARCH, search({ search_term: "zebra" }));
    expect(body.search_categories.room_events.results.map((r: any) => r.result.content.body)).toEqual(["zebra after charlie joined"]);
    // A user who left sees up to their leave only.
    await call(t, charlie, "POST", roomPath(room, "/leave"), {});
    await sendText(t, alice, room, "zebra after charlie left");
    const after = await call(t, charlie, "POST", SEARCH, search({ search_term: "zebra" }));
    expect(after.search_categories.room_events.results.map((r: any) => r.result.content.body)).toEqual(["zebra after charlie joined"]);
  });

  it("returns event context with profiles, current state and groupings", async () => {
    const body = await call(t, bob, "POST", SEARCH, search({
      search_term: "starving",
      event_context: { before_limit: 1, after_limit: 1, include_profile: true },
      include_state: true,
      groupings: { group_by: [{ key: "room_id" }, { key: "sender" }] },
    }));
    const re = body.search_categories.room_events;
    expect(re.results).toHaveLength(1);
    const [result] = re.results;
    expect(result.context.events_before.map((e: any) => e.content.body)).toEqual(["shall we have lunch at noon?"]);
    expect(result.context.events_after.map((e: any) => e.content.body)).toEqual(["the pizza place is fine"]);
    expect(result.context.profile_info[bob.userId]).toEqual({ displayname: "Bob" });
    expect(typeof result.context.start).toBe("string");
    expect(typeof result.context.end).toBe("string");
    expect(re.state[lobby].some((e: any) => e.type === "m.room.create")).toBe(true);
    expect(re.groups.room_id[lobby]).toMatchObject({ results: [result.result.event_id], order: 1 });
    expect(re.groups.sender[bob.userId].results).toEqual([result.result.event_id]);
  });

  it("drops redacted events from results", async () => {
    const eventId = await sendText(t, alice, lobby, "quokka sighting");
    expect((await call(t, alice, "POST", SEARCH, search({ search_term: "quokka" }))).search_categories.room_events.count).toBe(1);
    await call(t, alice, "PUT", roomPath(lobby, `/redact/${encodeURIComponent(eventId)}/r1`), {});
    const after = await call(t, alice, "POST", SEARCH, search({ search_term: "quokka" }));
    expect(after.search_categories.room_events).toMatchObject({ count: 0, results: [] });
  });

  it("supports web-search syntax (phrases and exclusion) and tolerates NUL and punctuation-only terms", async () => {
    await sendText(t, alice, lobby, "pizza with pineapple\u0000 is controversial");
    const phrase = await call(t, alice, "POST", SEARCH, search({ search_term: '"pizza place"' }));
    expect(phrase.search_categories.room_events.results.map((r: any) => r.result.content.body)).toEqual(["the pizza place is fine"]);
    const exclude = await call(t, alice, "POST", SEARCH, search({ search_term: "pizza -place" }));
    expect(exclude.search_categories.room_events.results.map((r: any) => r.result.content.body)).toEqual(["pizza with pineapple\u0000 is controversial"]);
    const nothing = await call(t, alice, "POST", SEARCH, search({ search_term: "!!!" }));
    expect(nothing.search_categories.room_events).toMatchObject({ count: 0, results: [] });
  });

  it("answers an empty category set with empty categories", async () => {
    expect(await call(t, alice, "POST", SEARCH, { search_categories: {} })).toEqual({ search_categories: {} });
  });

  it("rejects bad requests", async () => {
    expect((await t.request("POST", SEARCH, { body: search({ search_term: "x" }) })).body.errcode).toBe("M_MISSING_TOKEN");
    expect((await call(t, alice, "POST", SEARCH, "{not json", 400)).errcode).toBe("M_NOT_JSON");
    expect((await call(t, alice, "POST", SEARCH, {}, 400)).errcode).toMatch(/^M_(BAD_JSON|MISSING_PARAM)$/);
    expect((await call(t, alice, "POST", SEARCH, search({ search_term: 5 }), 400)).errcode).toMatch(/^M_(BAD_JSON|INVALID_PARAM)$/);
    expect((await call(t, alice, "POST", SEARCH, search({ search_term: "x", keys: ["content.nope"] }), 400)).errcode).toMatch(/^M_(BAD_JSON|INVALID_PARAM)$/);
    expect((await call(t, alice, "POST", SEARCH, search({ search_term: "x", order_by: "oldest" }), 400)).errcode).toMatch(/^M_(BAD_JSON|INVALID_PARAM)$/);
    expect((await call(t, alice, "POST", `${SEARCH}?next_batch=garbage`, search({ search_term: "x" }), 400)).errcode).toBe("M_INVALID_PARAM");
  });
});
