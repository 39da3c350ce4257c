// History, relations, directory, user directory, receipts, reports and
// restricted joins over HTTP, with their error paths.
// https://spec.matrix.org/v1.19/client-server-api/

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";
import { call, register, roomPath, sendText, type RoomTestUser } from "./support/room-helpers.js";

describe.each(testBackends())("room features on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  let roomId: string;
  const ids: string[] = [];
  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await register(t, "alice");
    bob = await register(t, "bob");
    ({ room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat", name: "Features" }));
    await call(t, bob, "POST", roomPath(roomId, "/join"), {});
    for (let i = 0; i < 6; i++) ids.push(await sendText(t, i % 2 ? bob : alice, roomId, `n${i}`));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("paginates /messages both ways with filters", async () => {
    const back = await call(t, alice, "GET", roomPath(roomId, "/messages?dir=b&limit=3"));
    expect(back.chunk.map((e: { content: { body: string } }) => e.content.body)).toEqual(["n5", "n4", "n3"]);
    const more = await call(t, alice, "GET", roomPath(roomId, `/messages?dir=b&limit=3&from=${back.end}`));
    expect(more.chunk.map((e: { content: { body: string } }) => e.content.body)).toEqual(["n2", "n1", "n0"]);
    const fwd = await call(t, alice, "GET", roomPath(roomId, `/messages?dir=f&limit=100`));
    expect(fwd.chunk[0].type).toBe("m.room.create");
    expect(fwd.end).toBeUndefined();
    const filter = encodeURIComponent(JSON.stringify({ senders: [bob.userId], types: ["m.room.*"], lazy_load_members: true }));
    const bobs = await call(t, alice, "GET", roomPath(roomId, `/messages?dir=b&limit=10&filter=${filter}`));
    expect(bobs.chunk.map((e: { content: { body?: string; membership?: string } }) => e.content.body ?? e.content.membership)).toEqual(["n5", "n3", "n1", "join"]);
    expect(bobs.state.map((e: { state_key: string }) => e.state_key)).toEqual([bob.userId]);
    expect((await call(t, alice, "GET", roomPath(roomId, "/messages?dir=x"), undefined, 400)).errcode).toBe("M_INVALID_PARAM");
    expect((await call(t, alice, "GET", roomPath(roomId, "/messages?dir=b&filter=nope"), undefined, 400)).errcode).toBe("M_INVALID_PARAM");
  });

  it("answers /context around an event", async () => {
    const ctx = await call(t, alice, "GET", roomPath(roomId, `/context/${encodeURIComponent(ids[3]!)}?limit=2`));
    expect(ctx.event.event_id).toBe(ids[3]);
    expect(ctx.events_before.map((e: { event_id: string }) => e.event_id)).toEqual([ids[2]]);
    expect(ctx.events_after.map((e: { event_id: string }) => e.event_id)).toEqual([ids[4]]);
    expect(ctx.state.length).toBeGreaterThan(3);
    expect((await call(t, alice, "GET", roomPath(roomId, "/context/$missing"), undefined, 404)).errcode).toBe("M_NOT_FOUND");
  });

  it("serves relations and threads", async () => {
    const root = ids[0]!;
    const send = (user: RoomTestUser, type: string, content: unknown, txn: string): Promise<{ event_id: string }> =>
      call(t, user, "PUT", roomPath(roomId, `/send/${type}/${txn}`), content);
    await send(bob, "m.reaction", { "m.relates_to": { rel_type: "m.annotation", event_id: root, key: "👍" } }, "re1");
    const edit = await send(alice, "m.room.message", { body: "* n0!", "m.new_content": { body: "n0!" }, "m.relates_to": { rel_type: "m.replace", event_id: root } }, "ed1");
    const reply = await send(bob, "m.room.message", { body: "in thread", "m.relates_to": { rel_type: "m.thread", event_id: root } }, "th1");
    const all = await call(t, alice, "GET", `/_matrix/client/v1/rooms/${encodeURIComponent(roomId)}/relations/${encodeURIComponent(root)}`);
    expect(all.chunk).toHaveLength(3);
    const edits = await call(t, alice, "GET", `/_matrix/client/v1/rooms/${encodeURIComponent(roomId)}/relations/${encodeURIComponent(root)}/m.replace`);
    expect(edits.chunk.map((e: { event_id: string }) => e.event_id)).toEqual([edit.event_id]);
    const reactions = await call(t, alice, "GET", `/_matrix/client/v1/rooms/${encodeURIComponent(roomId)}/relations/${encodeURIComponent(root)}/m.annotation/m.reaction?dir=f`);
    expect(reactions.chunk).toHaveLength(1);
    const threads = await call(t, alice, "GET", `/_matrix/client/v1/rooms/${encodeURIComponent(roomId)}/threads`);
    expect(threads.chunk.map((e: { event_id: string }) => e.event_id)).toEqual([root]);
    expect(threads.chunk[0].unsigned["m.relations"]["m.thread"].count).toBe(1);
    expect(reply.event_id).toMatch(/^\$/);
    const participated = await call(t, alice, "GET", `/_matrix/client/v1/rooms/${encodeURIComponent(roomId)}/threads?include=participated`);
    expect(participated.chunk).toHaveLength(0);
  });

  it("manages aliases and the public room directory", async () => {
    await call(t, alice, "PUT", `/_matrix/client/v3/directory/room/${encodeURIComponent("#features:localhost")}`, { room_id: roomId });
    expect(await call(t, bob, "GET", `/_matrix/client/v3/directory/room/${encodeURIComponent("#features:localhost")}`)).toEqual({ room_id: roomId, servers: ["localhost"] });
    expect((await call(t, bob, "PUT", `/_matrix/client/v3/directory/room/${encodeURIComponent("#features:localhost")}`, { room_id: roomId }, 409)).errcode).toBe("M_UNKNOWN");
    expect((await call(t, bob, "PUT", `/_matrix/client/v3/directory/room/${encodeURIComponent("#x:elsewhere")}`, { room_id: roomId }, 400)).errcode).toBe("M_INVALID_PARAM");
    expect(await call(t, bob, "GET", roomPath(roomId, "/aliases"))).toEqual({ aliases: ["#features:localhost"] });
    expect((await call(t, bob, "DELETE", `/_matrix/client/v3/directory/room/${encodeURIComponent("#features:localhost")}`, undefined, 403)).errcode).toBe("M_FORBIDDEN");
    await call(t, alice, "DELETE", `/_matrix/client/v3/directory/room/${encodeURIComponent("#features:localhost")}`);
    expect((await call(t, bob, "GET", `/_matrix/client/v3/directory/room/${encodeURIComponent("#features:localhost")}`, undefined, 404)).errcode).toBe("M_NOT_FOUND");

    expect(await call(t, undefined, "GET", `/_matrix/client/v3/directory/list/room/${encodeURIComponent(roomId)}`)).toEqual({ visibility: "private" });
    expect((await call(t, bob, "PUT", `/_matrix/client/v3/directory/list/room/${encodeURIComponent(roomId)}`, { visibility: "public" }, 403)).errcode).toBe("M_FORBIDDEN");
    await call(t, alice, "PUT", `/_matrix/client/v3/directory/list/room/${encodeURIComponent(roomId)}`, { visibility: "public" });
    const listed = await call(t, undefined, "GET", "/_matrix/client/v3/publicRooms");
    expect(listed.chunk).toEqual([expect.objectContaining({ room_id: roomId, name: "Features", num_joined_members: 2, join_rule: "public" })]);
    const searched = await call(t, bob, "POST", "/_matrix/client/v3/publicRooms", { filter: { generic_search_term: "feat" }, limit: 5 });
    expect(searched.chunk).toHaveLength(1);
    const none = await call(t, bob, "POST", "/_matrix/client/v3/publicRooms", { filter: { generic_search_term: "zzz" } });
    expect(none.chunk).toHaveLength(0);
    expect((await call(t, undefined, "GET", "/_matrix/client/v3/directory/list/room/!nope:localhost", undefined, 404)).errcode).toBe("M_NOT_FOUND");
  });

  it("searches the user directory among shared and public rooms", async () => {
    const res = await call(t, alice, "POST", "/_matrix/client/v3/user_directory/search", { search_term: "bo" });
    expect(res.results.map((r: { user_id: string }) => r.user_id)).toEqual([bob.userId]);
    expect(res.limited).toBe(false);
    expect((await call(t, alice, "POST", "/_matrix/client/v3/user_directory/search", {}, 400)).errcode).toBe("M_MISSING_PARAM");
  });

  it("takes receipts, read markers and reports; refuses bad ones", async () => {
    await call(t, bob, "POST", roomPath(roomId, `/receipt/m.read.private/${encodeURIComponent(ids[2]!)}`), {});
    await call(t, bob, "POST", roomPath(roomId, `/receipt/m.read/${encodeURIComponent(ids[2]!)}`), { thread_id: "main" });
    await call(t, bob, "POST", roomPath(roomId, "/read_markers"), { "m.fully_read": ids[2], "m.read": ids[3] });
    expect((await call(t, bob, "POST", roomPath(roomId, `/receipt/m.bogus/${encodeURIComponent(ids[2]!)}`), {}, 400)).errcode).toBe("M_INVALID_PARAM");
    expect((await call(t, bob, "POST", roomPath(roomId, "/receipt/m.read/$missing"), {}, 404)).errcode).toBe("M_NOT_FOUND");
    await call(t, bob, "POST", roomPath(roomId, `/report/${encodeURIComponent(ids[0]!)}`), { reason: "rude", score: -50 });
    await call(t, bob, "POST", roomPath(roomId, "/report"), { reason: "bad room" });
    expect((await call(t, bob, "POST", roomPath(roomId, "/report/$missing"), {}, 404)).errcode).toBe("M_NOT_FOUND");
    expect((await call(t, bob, "PUT", roomPath(roomId, `/typing/${encodeURIComponent(alice.userId)}`), { typing: true }, 403)).errcode).toBe("M_FORBIDDEN");
  });

  it("lets members of an allowed room join a restricted room, authorised by a local member", async () => {
    const { room_id: restricted } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", {
      initial_state: [{ type: "m.room.join_rules", state_key: "", content: { join_rule: "restricted", allow: [{ type: "m.room_membership", room_id: roomId }] } }],
    });
    await call(t, bob, "POST", roomPath(restricted, "/join"), {});
    const member = await call(t, alice, "GET", roomPath(restricted, `/state/m.room.member/${encodeURIComponent(bob.userId)}`));
    expect(member).toMatchObject({ membership: "join", join_authorised_via_users_server: alice.userId });
    const charlie = await register(t, "charlie");
    expect((await call(t, charlie, "POST", roomPath(restricted, "/join"), {}, 403)).errcode).toBe("M_FORBIDDEN");
    // Knocking, where the join rule allows it.
    const { room_id: knockRoom } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", {
      initial_state: [{ type: "m.room.join_rules", state_key: "", content: { join_rule: "knock" } }],
    });
    await call(t, charlie, "POST", `/_matrix/client/v3/knock/${encodeURIComponent(knockRoom)}`, { reason: "let me in" });
    expect((await call(t, charlie, "POST", `/_matrix/client/v3/knock/${encodeURIComponent(restricted)}`, {}, 403)).errcode).toBe("M_FORBIDDEN");
  }, 30_000);
});
