/**
 * Benchmark inputs: a realistic ~1 KB room event (PDU) as federation sends it
 * (room version 10 event format, https://spec.matrix.org/v1.19/rooms/v10/#event-format)
 * and a large power levels event.
 */

/** An m.room.message PDU with signatures, hashes, unsigned, prev/auth events and a unicode body, ~1 KB of canonical JSON. */
export function messagePdu(): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify({
      auth_events: [
        "$urlsafe_base64_encoded_eventid_1_abcdefghijklmnopqrs",
        "$urlsafe_base64_encoded_eventid_2_abcdefghijklmnopqrs",
        "$urlsafe_base64_encoded_eventid_3_abcdefghijklmnopqrs",
      ],
      content: {
        body: "Grüße aus Zürich! 日本語のテキスト — “quotes” and an emoji 🎉 plus a\nnew line",
        format: "org.matrix.custom.html",
        formatted_body: "<p>Grüße aus <b>Zürich</b>! 日本語のテキスト — “quotes” 🎉</p>",
        "m.mentions": { user_ids: ["@bob:example.com"] },
        "m.relates_to": { "m.in_reply_to": { event_id: "$reply_target_event_id_abcdefghijklmnopqrstuv" } },
        msgtype: "m.text",
      },
      depth: 12345,
      hashes: { sha256: "ThisHashCoversAllFieldsInCaseThisIsRedacted+/AAAAA" },
      origin_server_ts: 1_732_262_400_000,
      prev_events: [
        "$urlsafe_base64_encoded_prev_event_1_abcdefghijklmnop",
        "$urlsafe_base64_encoded_prev_event_2_abcdefghijklmnop",
      ],
      room_id: "!jEsUZKDJdhlrceRyVU:example.org",
      sender: "@alice:example.com",
      signatures: {
        "example.com": {
          "ed25519:key_version":
            "these86bytesofbase64signaturecoveressentialfieldsincludinghashessocancheckredactedpdus",
        },
      },
      type: "m.room.message",
      unsigned: { age: 4612, transaction_id: "m1732262400000.17" },
    }),
  ) as Record<string, unknown>;
}

/** An m.room.power_levels PDU with `userCount` users. */
export function powerLevelsPdu(userCount = 2000): Record<string, unknown> {
  const users: Record<string, number> = {};
  for (let i = 0; i < userCount; i++) users[`@user${(i * 7919) % 100000}_${i}:server${i % 37}.example.org`] = (i % 5) * 25;
  return JSON.parse(
    JSON.stringify({
      auth_events: ["$create_event_id_abcdefghijklmnopqrstuvwxyz0123456789"],
      content: {
        ban: 50,
        events: { "m.room.name": 50, "m.room.power_levels": 100, "m.room.history_visibility": 100 },
        events_default: 0,
        invite: 0,
        kick: 50,
        redact: 50,
        state_default: 50,
        users,
        users_default: 0,
      },
      depth: 3,
      hashes: { sha256: "ThisHashCoversAllFieldsInCaseThisIsRedacted+/AAAAA" },
      origin_server_ts: 1_732_262_400_000,
      prev_events: ["$member_event_id_abcdefghijklmnopqrstuvwxyz0123456789"],
      room_id: "!jEsUZKDJdhlrceRyVU:example.org",
      sender: "@alice:example.com",
      signatures: { "example.com": { "ed25519:key_version": "sig".repeat(28) } },
      state_key: "",
      type: "m.room.power_levels",
    }),
  ) as Record<string, unknown>;
}

/** The naive baseline: sort Object.keys, JSON.stringify the leaves, no validation. */
export function naiveSortedStringify(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(naiveSortedStringify).join(",")}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${naiveSortedStringify(obj[k])}`)
    .join(",")}}`;
}
