// Server-side key backups over HTTP on every backend:
// https://spec.matrix.org/v1.19/client-server-api/#server-side-key-backups
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, register, type RoomTestUser } from "./support/room-helpers.js";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";

const ALG = "m.megolm_backup.v1.curve25519-aes-sha2";
const V = "/_matrix/client/v3/room_keys/version";
const K = "/_matrix/client/v3/room_keys/keys";
const ROOM = "!room:localhost";
const data = (v: boolean, i: number, f: number, tag = "") => ({ is_verified: v, first_message_index: i, forwarded_count: f, session_data: { ephemeral: "e", ciphertext: `c${tag}`, mac: "m" } });

describe.each(testBackends())("/room_keys on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await register(t, "alice");
    bob = await register(t, "bob");
  }, 60_000);
  afterAll(async () => t?.close());

  it("versions: create, current, get, update auth_data, delete (the previous becomes current)", async () => {
    expect((await call(t, alice, "GET", V, undefined, 404)).errcode).toBe("M_NOT_FOUND");
    const v1 = (await call(t, alice, "POST", V, { algorithm: ALG, auth_data: { public_key: "a" } })).version;
    const v2 = (await call(t, alice, "POST", V, { algorithm: ALG, auth_data: { public_key: "b" } })).version;
    expect(typeof v1).toBe("string");
    expect(await call(t, alice, "GET", V)).toEqual({ algorithm: ALG, auth_data: { public_key: "b" }, count: 0, etag: expect.any(String), version: v2 });
    expect((await call(t, alice, "GET", `${V}/${v1}`)).auth_data).toEqual({ public_key: "a" });
    expect(await call(t, alice, "PUT", `${V}/${v2}`, { algorithm: ALG, auth_data: { public_key: "c" }, version: v2 })).toEqual({});
    expect((await call(t, alice, "GET", `${V}/${v2}`)).auth_data).toEqual({ public_key: "c" });
    expect((await call(t, alice, "PUT", `${V}/${v2}`, { algorithm: "other", auth_data: {} }, 400)).errcode).toBe("M_INVALID_PARAM");
    expect((await call(t, alice, "PUT", `${V}/${v2}`, { algorithm: ALG, auth_data: {}, version: v1 }, 400)).errcode).toBe("M_INVALID_PARAM");
    expect((await call(t, alice, "PUT", `${V}/999`, { algorithm: ALG, auth_data: {} }, 404)).errcode).toBe("M_NOT_FOUND");
    expect((await call(t, alice, "PUT", `${V}/${v2}`, { algorithm: ALG }, 400)).errcode).toBe("M_MISSING_PARAM");
    // Bob cannot see or delete Alice's backup.
    expect((await call(t, bob, "GET", `${V}/${v1}`, undefined, 404)).errcode).toBe("M_NOT_FOUND");
    expect((await call(t, bob, "DELETE", `${V}/${v1}`, undefined, 404)).errcode).toBe("M_NOT_FOUND");
    expect(await call(t, alice, "DELETE", `${V}/${v2}`)).toEqual({});
    expect((await call(t, alice, "GET", V)).version).toBe(v1);
    expect((await call(t, alice, "GET", `${V}/${v2}`, undefined, 404)).errcode).toBe("M_NOT_FOUND");
    expect((await call(t, alice, "GET", `${V}/not-a-version`, undefined, 404)).errcode).toBe("M_NOT_FOUND");
    expect((await call(t, alice, "POST", V, { auth_data: {} }, 400)).errcode).toBe("M_MISSING_PARAM");
    expect((await call(t, undefined, "GET", V, undefined, 401)).errcode).toBe("M_MISSING_TOKEN");
  });

  it("keys: the three PUT shapes, GET shapes, etag and count, the spec's replacement order", async () => {
    const v = (await call(t, bob, "POST", V, { algorithm: ALG, auth_data: {} })).version;
    const e0 = (await call(t, bob, "GET", V)).etag;
    const r1 = await call(t, bob, "PUT", `${K}?version=${v}`, { rooms: { [ROOM]: { sessions: { s1: data(false, 5, 1), s2: data(false, 0, 0) } } } });
    expect(r1.count).toBe(2);
    expect(r1.etag).not.toBe(e0);
    const r2 = await call(t, bob, "PUT", `${K}/${encodeURIComponent(ROOM)}?version=${v}`, { sessions: { s3: data(true, 0, 0) } });
    expect(r2.count).toBe(3);
    // Worse copy (higher index): kept as is, etag unchanged.
    const r3 = await call(t, bob, "PUT", `${K}/${encodeURIComponent(ROOM)}/s1?version=${v}`, data(false, 9, 0, "worse"));
    expect(r3).toEqual({ count: 3, etag: r2.etag });
    // Verified beats unverified even with a higher index.
    const r4 = await call(t, bob, "PUT", `${K}/${encodeURIComponent(ROOM)}/s1?version=${v}`, data(true, 9, 3, "verified"));
    expect(r4.etag).not.toBe(r2.etag);
    expect(await call(t, bob, "GET", `${K}/${encodeURIComponent(ROOM)}/s1?version=${v}`)).toEqual(data(true, 9, 3, "verified"));
    // Same verification and index: lower forwarded_count wins.
    await call(t, bob, "PUT", `${K}/${encodeURIComponent(ROOM)}/s1?version=${v}`, data(true, 9, 1, "fewer-forwards"));
    expect((await call(t, bob, "GET", `${K}/${encodeURIComponent(ROOM)}/s1?version=${v}`)).session_data.ciphertext).toBe("cfewer-forwards");
    // Lower index wins among verified.
    await call(t, bob, "PUT", `${K}/${encodeURIComponent(ROOM)}/s1?version=${v}`, data(true, 2, 7, "lower-index"));
    expect((await call(t, bob, "GET", `${K}/${encodeURIComponent(ROOM)}/s1?version=${v}`)).session_data.ciphertext).toBe("clower-index");
    const all = await call(t, bob, "GET", `${K}?version=${v}`);
    expect(Object.keys(all.rooms[ROOM].sessions).sort()).toEqual(["s1", "s2", "s3"]);
    expect(Object.keys((await call(t, bob, "GET", `${K}/${encodeURIComponent(ROOM)}?version=${v}`)).sessions)).toHaveLength(3);
    expect(await call(t, bob, "GET", `${K}/${encodeURIComponent("!other:localhost")}?version=${v}`)).toEqual({ sessions: {} });
    expect((await call(t, bob, "GET", `${K}/${encodeURIComponent(ROOM)}/nope?version=${v}`, undefined, 404)).errcode).toBe("M_NOT_FOUND");
    expect((await call(t, bob, "GET", V)).count).toBe(3);
    // Deletes.
    expect((await call(t, bob, "DELETE", `${K}/${encodeURIComponent(ROOM)}/s2?version=${v}`)).count).toBe(2);
    expect((await call(t, bob, "DELETE", `${K}/${encodeURIComponent(ROOM)}?version=${v}`)).count).toBe(0);
    await call(t, bob, "PUT", `${K}?version=${v}`, { rooms: { [ROOM]: { sessions: { s9: data(false, 0, 0) } } } });
    expect(await call(t, bob, "DELETE", `${K}?version=${v}`)).toEqual({ count: 0, etag: expect.any(String) });
  });

  it("errors: wrong version (M_WRONG_ROOM_KEYS_VERSION with current_version), unknown version, bad data, missing version", async () => {
    const user = await register(t, "carol");
    const old = (await call(t, user, "POST", V, { algorithm: ALG, auth_data: {} })).version;
    const current = (await call(t, user, "POST", V, { algorithm: ALG, auth_data: {} })).version;
    const wrong = await call(t, user, "PUT", `${K}?version=${old}`, { rooms: { [ROOM]: { sessions: { s: data(true, 0, 0) } } } }, 403);
    expect(wrong).toEqual({ errcode: "M_WRONG_ROOM_KEYS_VERSION", error: expect.any(String), current_version: current });
    expect((await call(t, user, "PUT", `${K}/${encodeURIComponent(ROOM)}/s?version=${old}`, data(true, 0, 0), 403)).current_version).toBe(current);
    expect((await call(t, user, "PUT", `${K}?version=12345`, { rooms: {} }, 404)).errcode).toBe("M_NOT_FOUND");
    expect((await call(t, user, "GET", `${K}?version=12345`, undefined, 404)).errcode).toBe("M_NOT_FOUND");
    expect((await call(t, user, "DELETE", `${K}?version=12345`, undefined, 404)).errcode).toBe("M_NOT_FOUND");
    expect((await call(t, user, "PUT", `${K}/${encodeURIComponent(ROOM)}/s?version=${current}`, { is_verified: "yes" }, 400)).errcode).toBe("M_BAD_JSON");
    expect((await call(t, user, "GET", K, undefined, 400)).errcode).toBe("M_MISSING_PARAM");
    expect((await call(t, user, "PUT", `${K}?version=${current}`, { rooms: { [ROOM]: {} } }, 400)).errcode).toMatch(/M_MISSING_PARAM|M_BAD_JSON/);
  });
});
