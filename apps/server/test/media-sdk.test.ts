// matrix-js-sdk as a real client of the content repository
// (https://spec.matrix.org/v1.19/client-server-api/#content-repository): one
// client uploads an avatar with `uploadContent` and sets it; another reads the
// profile and downloads the avatar and a thumbnail through the authenticated
// /_matrix/client/v1/media endpoints the SDK builds with `mxcUrlToHttp`.

import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sdk, silenceSdkLogs } from "./support/matrix-sdk.js";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";
import { registerMediaUser, testImage } from "./support/media-http.js";

silenceSdkLogs();

describe.each(testBackends())("matrix-js-sdk media on $name", (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  }, 60_000);
  afterAll(async () => t?.close());

  it("uploads an avatar with one client and downloads it through the authenticated endpoint with another", async () => {
    const alice = await registerMediaUser(t, "alice");
    const bob = await registerMediaUser(t, "bob");
    const aliceClient = sdk.createClient({ baseUrl: t.url, userId: alice.userId, accessToken: alice.token });
    const bobClient = sdk.createClient({ baseUrl: t.url, userId: bob.userId, accessToken: bob.token });

    const avatar = await testImage("png", 256, 256);
    const { content_uri } = await aliceClient.uploadContent(avatar, { type: "image/png", name: "avatar.png" });
    expect(content_uri).toMatch(/^mxc:\/\/localhost\//);
    await aliceClient.setAvatarUrl(content_uri);

    const profile = await bobClient.getProfileInfo(alice.userId);
    expect(profile.avatar_url).toBe(content_uri);

    const downloadUrl = bobClient.mxcUrlToHttp(profile.avatar_url!, undefined, undefined, undefined, false, true, true)!;
    expect(downloadUrl).toContain("/_matrix/client/v1/media/download/localhost/");
    const unauthenticated = await fetch(downloadUrl);
    expect(unauthenticated.status).toBe(401);
    const download = await fetch(downloadUrl, { headers: { authorization: `Bearer ${bobClient.getAccessToken()}` } });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(avatar);
    expect(download.headers.get("content-disposition")).toBe('inline; filename="avatar.png"');

    const thumbnailUrl = bobClient.mxcUrlToHttp(profile.avatar_url!, 96, 96, "crop", false, true, true)!;
    expect(thumbnailUrl).toContain("/_matrix/client/v1/media/thumbnail/localhost/");
    const thumbnail = await fetch(thumbnailUrl, { headers: { authorization: `Bearer ${bobClient.getAccessToken()}` } });
    expect(thumbnail.status).toBe(200);
    const meta = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([96, 96]);

    const config = await bobClient.getMediaConfig(true);
    expect(config["m.upload.size"]).toBe(50 * 1024 * 1024);
  }, 60_000);
});
