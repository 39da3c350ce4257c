// matrix-js-sdk against Weft's push rules: a keyword rule added by one user
// (client.addPushRule) fires on another user's message, the count reaches the
// SDK through /sync, and a read receipt resets it
// (https://spec.matrix.org/v1.19/client-server-api/#push-rules).

import { describe, expect, it } from "vitest";
import { silenceSdkLogs, syncingPair, sdk, waitFor } from "./support/matrix-sdk.js";
import { testBackends } from "./support/test-server.js";

silenceSdkLogs();

describe.each(testBackends())("push rules with matrix-js-sdk on $name", (backend) => {
  const pair = syncingPair(backend);

  it("fires alice's keyword rule on bob's message and resets on her read receipt", async () => {
    const { server: t, alice, bob } = pair;
    const { room_id: roomId } = await alice.createRoom({ name: "Bakery", preset: sdk.Preset.PrivateChat });
    await alice.invite(roomId, bob.getUserId()!);
    await waitFor("bob to see the invite", () => bob.getRoom(roomId)?.getMyMembership() === "invite");
    await bob.joinRoom(roomId);
    // In a two-person room .m.rule.room_one_to_one notifies every message; only the keyword rule highlights.
    await alice.addPushRule("global", sdk.PushRuleKind.ContentSpecific, "cake", {
      pattern: "cake",
      actions: [sdk.PushRuleActionName.Notify, { set_tweak: sdk.TweakName.Highlight, value: true }],
    } as never);
    const rules = await alice.getPushRules();
    expect(rules!.global.content!.find((r) => r.rule_id === "cake")).toMatchObject({ pattern: "cake", enabled: true, default: false });

    await bob.sendTextMessage(roomId, "plain words");
    const { event_id: cakeId } = await bob.sendTextMessage(roomId, "who wants cake?");
    const room = await waitFor("alice to see the message", () => {
      const r = alice.getRoom(roomId);
      return r?.getLiveTimeline().getEvents().some((e) => e.getId() === cakeId) ? r : undefined;
    });
    await waitFor("the highlight count", () => room.getUnreadNotificationCount(sdk.NotificationCountType.Highlight) === 1);
    expect(room.getUnreadNotificationCount(sdk.NotificationCountType.Total)).toBe(2);

    const cake = room.findEventById(cakeId)!;
    await alice.sendReadReceipt(cake, sdk.ReceiptType.Read);
    await waitFor("the counts to reset", () => room.getUnreadNotificationCount(sdk.NotificationCountType.Total) === 0);
    expect(room.getUnreadNotificationCount(sdk.NotificationCountType.Highlight)).toBe(0);
    // Bob has no such rule: his own message never notified him anyway, and alice's rules are hers.
    expect((await bob.getPushRules())!.global.content!.some((r) => r.rule_id === "cake")).toBe(false);
  }, 60_000);
});
