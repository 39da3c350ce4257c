// Spaces over HTTP: GET /_matrix/client/v1/rooms/{roomId}/hierarchy
// (https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy) browsed page by
// page with matrix-js-sdk, its errors, and GET /_matrix/client/v1/room_summary/{roomIdOrAlias}
// (https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1room_summaryroomidoralias).

import { formatSigningKeyFile, generateSigningKey, parseSigningKeyFile } from "@weft/signing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HierarchyService } from "../src/services/hierarchy-service.js";
import type { ServiceContext } from "../src/services/index.js";
import { call, register, roomPath, type RoomTestUser } from "./support/room-helpers.js";
import { sdk, silenceSdkLogs } from "./support/matrix-sdk.js";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";

silenceSdkLogs(["log", "info", "warn", "debug"]);

const hierarchyPath = (roomId: string, query = ""): string =>
  `/_matrix/client/v1/rooms/${encodeURIComponent(roomId)}/hierarchy${query}`;

describe.each(testBackends())("spaces on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  /** Room IDs by name. */
  const r: Record<string, string> = {};

  const createRoom = async (name: string, body: Record<string, unknown> = {}): Promise<string> => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { name, preset: "public_chat", ...body });
    r[name] = roomId;
    return roomId;
  };
  const link = async (parent: string, child: string, content: Record<string, unknown> = {}): Promise<void> => {
    await call(t, alice, "PUT", roomPath(r[parent]!, `/state/m.space.child/${encodeURIComponent(r[child]!)}`), { via: ["localhost"], ...content });
  };
  const space = { creation_content: { type: "m.space" } };

  /**
   * space (public, alias #space)
   *   general      order "a"
   *   sub          order "b"  (a space)
   *     sub-one    order "a"
   *     private    order "b"  (invite only: alice sees it, bob does not)
   *     sub-two    order "c"
   *     space      (loop back to the root)
   *   random       order "c"  suggested
   *   restricted   order "d"  (restricted to members of "club")
   */
  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await register(t, "alice");
    bob = await register(t, "bob");
    await createRoom("space", { ...space, room_alias_name: "space", topic: "All the rooms" });
    await createRoom("sub", space);
    await createRoom("general");
    await createRoom("sub-one");
    await createRoom("private", { preset: "private_chat" });
    await createRoom("sub-two");
    await createRoom("random");
    await createRoom("club", { preset: "private_chat" });
    await createRoom("restricted", {
      preset: "private_chat",
      initial_state: [{ type: "m.room.join_rules", content: { join_rule: "restricted", allow: [{ type: "m.room_membership", room_id: r["club"] }] } }],
    });
    await link("space", "general", { order: "a" });
    await link("space", "sub", { order: "b" });
    await link("space", "random", { order: "c", suggested: true });
    await link("space", "restricted", { order: "d" });
    await link("sub", "sub-one", { order: "a" });
    await link("sub", "private", { order: "b" });
    await link("sub", "sub-two", { order: "c" });
    await link("sub", "space", { order: "z" });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const names = (rooms: { room_id: string }[]): string[] =>
    rooms.map((room) => Object.keys(r).find((name) => r[name] === room.room_id) ?? room.room_id);

  it("is browsed page by page with matrix-js-sdk, depth-first, each room once", async () => {
    const client = sdk.createClient({ baseUrl: t.url, userId: bob.userId, accessToken: bob.token, deviceId: bob.deviceId });
    const seen: string[] = [];
    let from: string | undefined;
    let pages = 0;
    do {
      const page = await client.getRoomHierarchy(r["space"]!, 2, undefined, false, from);
      pages += 1;
      seen.push(...names(page.rooms));
      from = page.next_batch;
    } while (from !== undefined);
    expect(seen).toEqual(["space", "general", "sub", "sub-one", "sub-two", "random"]);
    expect(pages).toBe(3);

    const forAlice = sdk.createClient({ baseUrl: t.url, userId: alice.userId, accessToken: alice.token, deviceId: alice.deviceId });
    const all = await forAlice.getRoomHierarchy(r["space"]!, 50);
    expect(names(all.rooms)).toEqual(["space", "general", "sub", "sub-one", "private", "sub-two", "random", "restricted"]);
    expect(all.next_batch).toBeUndefined();
  });

  it("returns summaries with children_state as stripped events", async () => {
    const page = await call(t, bob, "GET", hierarchyPath(r["space"]!, "?max_depth=0"));
    expect(page.rooms).toHaveLength(1);
    const root = page.rooms[0];
    expect(root).toMatchObject({
      room_id: r["space"],
      name: "space",
      topic: "All the rooms",
      canonical_alias: "#space:localhost",
      num_joined_members: 1,
      join_rule: "public",
      room_type: "m.space",
      room_version: "12",
      guest_can_join: false,
      world_readable: false,
    });
    expect(root.children_state).toHaveLength(4);
    const child = root.children_state[0];
    expect(Object.keys(child).sort()).toEqual(["content", "origin_server_ts", "sender", "state_key", "type"]);
    expect(child).toMatchObject({ type: "m.space.child", state_key: r["general"], sender: alice.userId, content: { via: ["localhost"], order: "a" } });
  });

  it("honours max_depth 1 and suggested_only", async () => {
    const depth1 = await call(t, alice, "GET", hierarchyPath(r["space"]!, "?max_depth=1"));
    expect(names(depth1.rooms)).toEqual(["space", "general", "sub", "random", "restricted"]);
    const suggested = await call(t, alice, "GET", hierarchyPath(r["space"]!, "?suggested_only=true"));
    expect(names(suggested.rooms)).toEqual(["space", "random"]);
  });

  it("shows a restricted room to members of the allowed room", async () => {
    const before = await call(t, bob, "GET", hierarchyPath(r["space"]!));
    expect(names(before.rooms)).not.toContain("restricted");
    await call(t, alice, "POST", roomPath(r["club"]!, "/invite"), { user_id: bob.userId });
    await call(t, bob, "POST", roomPath(r["club"]!, "/join"), {});
    const after = await call(t, bob, "GET", hierarchyPath(r["space"]!));
    expect(names(after.rooms)).toContain("restricted");
    const restricted = after.rooms.find((room: { room_id: string }) => room.room_id === r["restricted"]);
    expect(restricted).toMatchObject({ join_rule: "restricted", allowed_room_ids: [r["club"]] });
    await call(t, bob, "POST", roomPath(r["club"]!, "/leave"), {});
  });

  it("drops a child whose m.space.child event is redacted", async () => {
    await createRoom("temporary");
    await link("space", "temporary", { order: "e" });
    const state = await call(t, alice, "GET", roomPath(r["space"]!, `/state/m.space.child/${encodeURIComponent(r["temporary"]!)}?format=event`));
    expect(names((await call(t, alice, "GET", hierarchyPath(r["space"]!, "?max_depth=1"))).rooms)).toContain("temporary");
    await call(t, alice, "PUT", roomPath(r["space"]!, `/redact/${encodeURIComponent(state.event_id)}/redact-temporary`), {});
    expect(names((await call(t, alice, "GET", hierarchyPath(r["space"]!, "?max_depth=1"))).rooms)).not.toContain("temporary");
  });

  it("answers errors with the spec's codes", async () => {
    const expectError = async (user: RoomTestUser | undefined, path: string, status: number, errcode: string): Promise<void> => {
      const res = await t.request("GET", path, { token: user?.token });
      expect([path, res.status, res.body?.errcode]).toEqual([path, status, errcode]);
    };
    await expectError(bob, hierarchyPath("!unknown:localhost"), 404, "M_NOT_FOUND");
    await expectError(bob, hierarchyPath(r["private"]!), 403, "M_FORBIDDEN");
    await expectError(undefined, hierarchyPath(r["space"]!), 401, "M_MISSING_TOKEN");
    await expectError(bob, hierarchyPath("not-a-room"), 400, "M_INVALID_PARAM");
    for (const query of ["?max_depth=-1", "?max_depth=abc", "?max_depth=1.5", "?limit=0", "?limit=ten", "?suggested_only=yes", "?from=garbage"]) {
      await expectError(bob, hierarchyPath(r["space"]!, query), 400, "M_INVALID_PARAM");
    }
    const first = await call(t, bob, "GET", hierarchyPath(r["space"]!, "?limit=1"));
    const from = encodeURIComponent(first.next_batch);
    await call(t, bob, "GET", hierarchyPath(r["space"]!, `?limit=1&from=${from}`));
    await expectError(bob, hierarchyPath(r["space"]!, `?limit=1&max_depth=3&from=${from}`), 400, "M_INVALID_PARAM");
    await expectError(bob, hierarchyPath(r["space"]!, `?limit=1&suggested_only=true&from=${from}`), 400, "M_INVALID_PARAM");
    await expectError(bob, hierarchyPath(r["sub"]!, `?limit=1&from=${from}`), 400, "M_INVALID_PARAM");
    await expectError(alice, hierarchyPath(r["space"]!, `?limit=1&from=${from}`), 400, "M_INVALID_PARAM");
  });

  it("accepts tokens in any process or restart holding the same signing key, and no other", async () => {
    const key = generateSigningKey("a_test");
    const service = (signingKey: typeof key): HierarchyService =>
      new HierarchyService({ db: t.server.db, signingKey } as unknown as ServiceContext, async () => {
        throw new Error("no aliases here");
      });
    const first = await service(key).hierarchy(bob.userId, r["space"]!, { limit: 2 });
    // A restart reloads the key from its file: a different object with the same seed.
    const reloaded = parseSigningKeyFile(formatSigningKeyFile([key]))[0]!;
    const second = await service(reloaded).hierarchy(bob.userId, r["space"]!, { limit: 2, from: first.next_batch });
    expect(names(second.rooms)).toEqual(["sub", "sub-one"]);
    const other = service(generateSigningKey("a_other")).hierarchy(bob.userId, r["space"]!, { limit: 2, from: first.next_batch });
    await expect(other).rejects.toMatchObject({ errcode: "M_INVALID_PARAM" });
  });

  describe("room summary", () => {
    const summaryPath = (idOrAlias: string): string => `/_matrix/client/v1/room_summary/${encodeURIComponent(idOrAlias)}`;

    it("summarises a room by ID or alias, with the requester's membership", async () => {
      const byAlias = await call(t, bob, "GET", summaryPath("#space:localhost"));
      expect(byAlias).toMatchObject({
        room_id: r["space"],
        name: "space",
        room_type: "m.space",
        join_rule: "public",
        room_version: "12",
        num_joined_members: 1,
        membership: "leave",
      });
      expect(byAlias.children_state).toBeUndefined();
      expect((await call(t, alice, "GET", summaryPath(r["private"]!))).membership).toBe("join");
      const unstable = await call(t, alice, "GET", `/_matrix/client/unstable/im.nheko.summary/rooms/${encodeURIComponent(r["general"]!)}/summary`);
      expect(unstable).toMatchObject({ room_id: r["general"], name: "general" });
    });

    it("serves public rooms without authentication, and hides private and unknown rooms with 404", async () => {
      const anonymous = await call(t, undefined, "GET", summaryPath(r["general"]!));
      expect(anonymous.membership).toBeUndefined();
      expect(anonymous.name).toBe("general");
      for (const [user, room] of [
        [undefined, r["private"]!],
        [bob, r["private"]!],
        [bob, "!unknown:localhost"],
        [bob, "#nowhere:localhost"],
      ] as const) {
        const res = await t.request("GET", summaryPath(room), { token: user?.token });
        expect([room, res.status, res.body?.errcode]).toEqual([room, 404, "M_NOT_FOUND"]);
      }
      const bad = await t.request("GET", summaryPath("nonsense"), { token: bob.token });
      expect([bad.status, bad.body?.errcode]).toEqual([400, "M_INVALID_PARAM"]);
    });
  });
});
