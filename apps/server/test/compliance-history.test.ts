// History visibility (https://spec.matrix.org/v1.19/client-server-api/#server-behaviour-7)
// on every endpoint that serves room events: /messages, /context, /event,
// /relations, /threads and /sync timelines — decided with the state at each
// event. Users are alice (the creator), bob (joins later) and zara (never a member).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";
import { call, register, roomPath, sendText, type RoomTestUser } from "./support/room-helpers.js";

type Ev = { event_id: string; type: string; state_key?: string; content: Record<string, unknown>; unsigned?: Record<string, any> };
const bodies = (events: Ev[]): unknown[] => events.filter((e) => e.type === "m.room.message").map((e) => e.content.body);

describe.each(testBackends())("history visibility on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  let zara: RoomTestUser;
  const v1 = (path: string): string => path.replace("/_matrix/client/v3/", "/_matrix/client/v1/");

  /** A room with the given setting: m1 before bob's invite, m2 while invited, m3 after his join. */
  async function scenario(historyVisibility: string): Promise<{ roomId: string; ids: string[] }> {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", {
      preset: "private_chat",
      initial_state: [{ type: "m.room.history_visibility", content: { history_visibility: historyVisibility } }],
    });
    const ids = [await sendText(t, alice, roomId, "m1")];
    await call(t, alice, "POST", roomPath(roomId, "/invite"), { user_id: bob.userId });
    ids.push(await sendText(t, alice, roomId, "m2"));
    await call(t, bob, "POST", roomPath(roomId, "/join"), {});
    ids.push(await sendText(t, alice, roomId, "m3"));
    return { roomId, ids };
  }

  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await register(t, "alice");
    bob = await register(t, "bob");
    zara = await register(t, "zara");
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("joined: a new member sees only what was sent after they joined, everywhere", async () => {
    const { roomId, ids } = await scenario("joined");
    const messages = await call(t, bob, "GET", roomPath(roomId, "/messages?dir=b&limit=50"));
    expect(bodies(messages.chunk)).toEqual(["m3"]);
    // Their own join is visible (the membership after it allows it); their invite is not (joined needs join).
    const own = messages.chunk.filter((e: Ev) => e.type === "m.room.member" && e.state_key === bob.userId).map((e: Ev) => e.content.membership);
    expect(own).toEqual(["join"]);
    expect(bodies(messages.chunk.length ? (await call(t, alice, "GET", roomPath(roomId, "/messages?dir=b&limit=50"))).chunk : [])).toEqual(["m3", "m2", "m1"]);
    expect((await call(t, bob, "GET", roomPath(roomId, `/event/${encodeURIComponent(ids[0]!)}`), undefined, 404)).errcode).toBe("M_NOT_FOUND");
    expect((await call(t, bob, "GET", roomPath(roomId, `/context/${encodeURIComponent(ids[1]!)}`), undefined, 404)).errcode).toBe("M_NOT_FOUND");
    const context = await call(t, bob, "GET", roomPath(roomId, `/context/${encodeURIComponent(ids[2]!)}?limit=10`));
    expect(bodies(context.events_before)).toEqual([]);
    // /sync: the initial timeline holds nothing from before the join.
    const sync = await call(t, bob, "GET", `/_matrix/client/v3/sync?filter=${encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 50 } } }))}`);
    expect(bodies(sync.rooms.join[roomId].timeline.events)).toEqual(["m3"]);
    // /relations of a hidden parent is not found; /threads hides hidden roots.
    await call(t, alice, "PUT", roomPath(roomId, "/send/m.room.message/hv-thread"), { body: "reply", "m.relates_to": { rel_type: "m.thread", event_id: ids[0] } });
    expect((await call(t, bob, "GET", v1(roomPath(roomId, `/relations/${encodeURIComponent(ids[0]!)}`)), undefined, 404)).errcode).toBe("M_NOT_FOUND");
    const threads = await call(t, bob, "GET", v1(roomPath(roomId, "/threads")));
    expect(threads.chunk).toEqual([]);
    // …while the reply itself, sent after bob joined, is visible.
    expect(bodies((await call(t, bob, "GET", roomPath(roomId, "/messages?dir=b&limit=1"))).chunk)).toEqual(["reply"]);
  });

  it("invited: visible from the invite on", async () => {
    const { roomId } = await scenario("invited");
    const messages = await call(t, bob, "GET", roomPath(roomId, "/messages?dir=b&limit=50"));
    expect(bodies(messages.chunk)).toEqual(["m3", "m2"]);
    const own = messages.chunk.filter((e: Ev) => e.type === "m.room.member" && e.state_key === bob.userId).map((e: Ev) => e.content.membership);
    expect(own).toEqual(["join", "invite"]);
  });

  it("shared: all history for members; nothing after a leave; non-members are refused", async () => {
    const { roomId, ids } = await scenario("shared");
    expect(bodies((await call(t, bob, "GET", roomPath(roomId, "/messages?dir=b&limit=50"))).chunk)).toEqual(["m3", "m2", "m1"]);
    await call(t, bob, "POST", roomPath(roomId, "/leave"), {});
    const after = await sendText(t, alice, roomId, "m4");
    expect(bodies((await call(t, bob, "GET", roomPath(roomId, "/messages?dir=b&limit=50"))).chunk)).toEqual(["m3", "m2", "m1"]);
    expect(bodies((await call(t, bob, "GET", roomPath(roomId, "/messages?dir=f&limit=50"))).chunk)).toEqual(["m1", "m2", "m3"]);
    await call(t, bob, "GET", roomPath(roomId, `/event/${encodeURIComponent(ids[0]!)}`));
    expect((await call(t, bob, "GET", roomPath(roomId, `/event/${encodeURIComponent(after)}`), undefined, 404)).errcode).toBe("M_NOT_FOUND");
    expect((await call(t, zara, "GET", roomPath(roomId, "/messages?dir=b"), undefined, 403)).errcode).toBe("M_FORBIDDEN");
    expect((await call(t, zara, "GET", roomPath(roomId, `/event/${encodeURIComponent(ids[0]!)}`), undefined, 403)).errcode).toBe("M_FORBIDDEN");
  });

  it("a user who left a joined-only room keeps what they saw, up to their leave", async () => {
    const { roomId } = await scenario("joined");
    const m5 = await sendText(t, alice, roomId, "m5");
    await call(t, bob, "POST", roomPath(roomId, "/leave"), {});
    await sendText(t, alice, roomId, "m6");
    const messages = await call(t, bob, "GET", roomPath(roomId, "/messages?dir=b&limit=50"));
    expect(bodies(messages.chunk)).toEqual(["m5", "m3"]);
    // Their own leave is visible (the membership before it allows it).
    expect(messages.chunk.some((e: Ev) => e.type === "m.room.member" && e.state_key === bob.userId && e.content.membership === "leave")).toBe(true);
    await call(t, bob, "GET", roomPath(roomId, `/event/${encodeURIComponent(m5)}`));
  });

  it("world_readable: anyone may read events sent while it was set, and only those", async () => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat" });
    const before = await sendText(t, alice, roomId, "shared-era");
    await call(t, alice, "PUT", roomPath(roomId, "/state/m.room.history_visibility/"), { history_visibility: "world_readable" });
    const during = await sendText(t, alice, roomId, "readable-era");
    const peek = await call(t, zara, "GET", roomPath(roomId, "/messages?dir=b&limit=50"));
    expect(bodies(peek.chunk)).toEqual(["readable-era"]);
    // The change itself is visible: the setting after it allows it.
    expect(peek.chunk.some((e: Ev) => e.type === "m.room.history_visibility")).toBe(true);
    expect((await call(t, zara, "GET", roomPath(roomId, `/event/${encodeURIComponent(during)}`))).content.body).toBe("readable-era");
    expect((await call(t, zara, "GET", roomPath(roomId, `/event/${encodeURIComponent(before)}`), undefined, 404)).errcode).toBe("M_NOT_FOUND");
    // Back to joined: peeking ends with it (the room is no longer world-readable).
    await call(t, alice, "PUT", roomPath(roomId, "/state/m.room.history_visibility/"), { history_visibility: "joined" });
    await sendText(t, alice, roomId, "members-era");
    expect((await call(t, zara, "GET", roomPath(roomId, "/messages?dir=b"), undefined, 403)).errcode).toBe("M_FORBIDDEN");
    // Who joins now sees the shared and world-readable eras and the change away from them, not the joined-only era.
    await call(t, zara, "POST", roomPath(roomId, "/join"), {});
    const joined = await call(t, zara, "GET", roomPath(roomId, "/messages?dir=b&limit=50"));
    expect(bodies(joined.chunk)).toEqual(["readable-era", "shared-era"]);
    expect(joined.chunk.filter((e: Ev) => e.type === "m.room.history_visibility").map((e: Ev) => e.content.history_visibility)).toEqual(["joined", "world_readable", "shared"]);
  });

  it("paginates past hidden history without handing out empty pages", async () => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", {
      preset: "public_chat",
      initial_state: [{ type: "m.room.history_visibility", content: { history_visibility: "joined" } }],
    });
    for (let i = 0; i < 12; i++) await sendText(t, alice, roomId, `old${i}`);
    await call(t, bob, "POST", roomPath(roomId, "/join"), {});
    await sendText(t, alice, roomId, "new");
    const page = await call(t, bob, "GET", roomPath(roomId, "/messages?dir=b&limit=3"));
    expect(bodies(page.chunk)).toEqual(["new"]);
    expect(page.chunk.length).toBeGreaterThanOrEqual(2); // "new" and bob's join
  });
});
