// "When a user joins the new room, the server should automatically
// transfer/replicate some of the user's personalized settings such as
// notifications, tags, etc."
// (https://spec.matrix.org/v1.19/client-server-api/#server-behaviour-16, room upgrades).
// On a local user's first join to a room whose create event names a
// predecessor, the user's tags and room-specific push rules for the old room
// are copied to the new one, unless the user already set their own there.

import type { PushCondition, PushRule } from "@weft/push-rules";
import { AccountDataStore } from "@weft/storage-pg";
import type { ServiceContext } from "./index.js";
import type { PushRulesService } from "./pushrules-service.js";
import type { RoomSnapshot } from "./room-state.js";

/** The predecessor room ID named by a room's create event, if any. */
export function predecessorOf(snapshot: RoomSnapshot | undefined): string | undefined {
  const content = snapshot?.state.get("m.room.create", "")?.content as { predecessor?: { room_id?: unknown } } | undefined;
  const id = content?.predecessor?.room_id;
  return typeof id === "string" ? id : undefined;
}

/** Copies `userId`'s tags and push rules from `oldRoomId` to `newRoomId`. */
export async function carryOverPersonalSettings(
  ctx: ServiceContext,
  pushRules: PushRulesService,
  userId: string,
  oldRoomId: string,
  newRoomId: string,
): Promise<void> {
  const accountData = new AccountDataStore(ctx.db);
  const tags = await accountData.get(userId, oldRoomId, "m.tag");
  if (tags && !(await accountData.get(userId, newRoomId, "m.tag"))) {
    await ctx.db.transaction((tx) => new AccountDataStore(tx).put(userId, newRoomId, "m.tag", tags));
    ctx.notifier.notify([userId]);
  }

  const ruleset = await pushRules.getRuleset(userId);
  const copy = async (kind: "room" | "override" | "underride", rule: PushRule, ruleId: string, conditions?: PushCondition[]): Promise<void> => {
    if (ruleset[kind].some((r) => r.rule_id === ruleId)) return; // the user's own rule in the new room wins
    await pushRules.putRule(userId, kind, ruleId, { actions: rule.actions, ...(conditions ? { conditions } : {}) });
    if (!rule.enabled) await pushRules.setEnabled(userId, kind, ruleId, false);
  };
  for (const rule of ruleset.room) if (rule.rule_id === oldRoomId) await copy("room", rule, newRoomId);
  for (const kind of ["override", "underride"] as const) {
    for (const rule of ruleset[kind]) {
      // User rules scoped to the old room by an exact room_id match; server-default rules start with ".".
      const scoped = rule.conditions?.some((c) => c.kind === "event_match" && c.key === "room_id" && c.pattern === oldRoomId);
      if (!scoped || rule.rule_id.startsWith(".") || !rule.rule_id.includes(oldRoomId)) continue;
      const conditions = rule.conditions!.map((c) => (c.kind === "event_match" && c.key === "room_id" && c.pattern === oldRoomId ? { ...c, pattern: newRoomId } : c));
      await copy(kind, rule, rule.rule_id.split(oldRoomId).join(newRoomId), conditions);
    }
  }
}
