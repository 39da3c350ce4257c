// The server-default push rules of https://spec.matrix.org/v1.19/client-server-api/#predefined-rules
// (10 override rules, 5 underride rules), transcribed from the spec's definitions in
// the order the spec lists them. v1.17 removed `.m.rule.contains_display_name`,
// `.m.rule.contains_user_name` and `.m.rule.roomnotif`; see LEGACY_MENTION_RULE_IDS.

import type { PushRule, Ruleset } from "./types.js";

/**
 * The rule IDs of the legacy body-mention rules removed in v1.17. Stored rulesets
 * may still hold them; they keep working but never match an event whose content
 * has `m.mentions` (even `{}`).
 * @see https://spec.matrix.org/v1.19/client-server-api/#user-and-room-mentions
 */
export const LEGACY_MENTION_RULE_IDS: ReadonlySet<string> = new Set([
  ".m.rule.contains_display_name",
  ".m.rule.contains_user_name",
  ".m.rule.roomnotif",
]);

const NOTIFY_SOUND_DEFAULT = () => ["notify", { set_tweak: "sound", value: "default" }];

/**
 * The spec's server-default ruleset for a user (a fresh copy each call).
 *
 * @param userId - the owner, substituted into `.m.rule.invite_for_me` and
 *   `.m.rule.is_user_mention`.
 * @returns the 15 server-default rules (override: master, suppress_notices,
 *   invite_for_me, member_event, is_user_mention, is_room_mention, tombstone,
 *   reaction, room.server_acl, suppress_edits; underride: call,
 *   encrypted_room_one_to_one, room_one_to_one, message, encrypted).
 * @example
 * ```ts
 * const rules = serverDefaultRuleset("@alice:example.com");
 * rules.override[0].rule_id; // ".m.rule.master"
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#predefined-rules
 */
export function serverDefaultRuleset(userId: string): Ruleset {
  const override: PushRule[] = [
    { rule_id: ".m.rule.master", default: true, enabled: false, conditions: [], actions: [] },
    {
      rule_id: ".m.rule.suppress_notices",
      default: true,
      enabled: true,
      conditions: [{ kind: "event_match", key: "content.msgtype", pattern: "m.notice" }],
      actions: [],
    },
    {
      rule_id: ".m.rule.invite_for_me",
      default: true,
      enabled: true,
      conditions: [
        { key: "type", kind: "event_match", pattern: "m.room.member" },
        { key: "content.membership", kind: "event_match", pattern: "invite" },
        { key: "state_key", kind: "event_match", pattern: userId },
      ],
      actions: NOTIFY_SOUND_DEFAULT(),
    },
    {
      rule_id: ".m.rule.member_event",
      default: true,
      enabled: true,
      conditions: [{ key: "type", kind: "event_match", pattern: "m.room.member" }],
      actions: [],
    },
    {
      rule_id: ".m.rule.is_user_mention",
      default: true,
      enabled: true,
      conditions: [{ kind: "event_property_contains", key: "content.m\\.mentions.user_ids", value: userId }],
      actions: [...NOTIFY_SOUND_DEFAULT(), { set_tweak: "highlight" }],
    },
    {
      rule_id: ".m.rule.is_room_mention",
      default: true,
      enabled: true,
      conditions: [
        { kind: "event_property_is", key: "content.m\\.mentions.room", value: true },
        { kind: "sender_notification_permission", key: "room" },
      ],
      actions: ["notify", { set_tweak: "highlight" }],
    },
    {
      rule_id: ".m.rule.tombstone",
      default: true,
      enabled: true,
      conditions: [
        { kind: "event_match", key: "type", pattern: "m.room.tombstone" },
        { kind: "event_match", key: "state_key", pattern: "" },
      ],
      actions: ["notify", { set_tweak: "highlight" }],
    },
    {
      rule_id: ".m.rule.reaction",
      default: true,
      enabled: true,
      conditions: [{ kind: "event_match", key: "type", pattern: "m.reaction" }],
      actions: [],
    },
    {
      rule_id: ".m.rule.room.server_acl",
      default: true,
      enabled: true,
      conditions: [
        { kind: "event_match", key: "type", pattern: "m.room.server_acl" },
        { kind: "event_match", key: "state_key", pattern: "" },
      ],
      actions: [],
    },
    {
      rule_id: ".m.rule.suppress_edits",
      default: true,
      enabled: true,
      conditions: [{ kind: "event_property_is", key: "content.m\\.relates_to.rel_type", value: "m.replace" }],
      actions: [],
    },
  ];
  const underride: PushRule[] = [
    {
      rule_id: ".m.rule.call",
      default: true,
      enabled: true,
      conditions: [{ key: "type", kind: "event_match", pattern: "m.call.invite" }],
      actions: ["notify", { set_tweak: "sound", value: "ring" }],
    },
    {
      rule_id: ".m.rule.encrypted_room_one_to_one",
      default: true,
      enabled: true,
      conditions: [
        { kind: "room_member_count", is: "2" },
        { kind: "event_match", key: "type", pattern: "m.room.encrypted" },
      ],
      actions: NOTIFY_SOUND_DEFAULT(),
    },
    {
      rule_id: ".m.rule.room_one_to_one",
      default: true,
      enabled: true,
      conditions: [
        { kind: "room_member_count", is: "2" },
        { kind: "event_match", key: "type", pattern: "m.room.message" },
      ],
      actions: NOTIFY_SOUND_DEFAULT(),
    },
    {
      rule_id: ".m.rule.message",
      default: true,
      enabled: true,
      conditions: [{ kind: "event_match", key: "type", pattern: "m.room.message" }],
      actions: ["notify"],
    },
    {
      rule_id: ".m.rule.encrypted",
      default: true,
      enabled: true,
      conditions: [{ kind: "event_match", key: "type", pattern: "m.room.encrypted" }],
      actions: ["notify"],
    },
  ];
  return { override, content: [], room: [], sender: [], underride };
}
