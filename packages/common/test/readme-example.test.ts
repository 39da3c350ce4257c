// Runs the README example (keep the two in sync) so the documented output stays true.
import { expect, it } from "vitest";
import { runReadmeExample } from "../../../vitest.readme.js";
import {
  MatrixError,
  parseUserId,
  roomVersionRules,
  redactEvent,
  serverNameOf,
  userIdParts,
  validatePdu,
} from "@weft/common";

it("README example", () => {
  const alice = parseUserId("@alice:example.com");
  expect(userIdParts(alice)).toEqual({ localpart: "alice", serverName: "example.com" });
  expect(serverNameOf("$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg")).toBeUndefined();

  parseUserId("@Old_Style:example.com", { historical: true });
  let errcode: string | undefined;
  try {
    parseUserId("@Old_Style:example.com");
  } catch (e) {
    errcode = (e as MatrixError).errcode;
  }
  expect(errcode).toBe("M_INVALID_PARAM");

  const rules = roomVersionRules("12");
  expect(rules.authorization.privilegedCreators).toBe(true);

  const pdu = {
    room_id: "!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM",
    sender: "@alice:example.com",
    origin_server_ts: 1404838188000,
    depth: 12,
    type: "m.room.message",
    content: { body: "hello" },
    hashes: { sha256: "thishashcoversallfieldsincasethisisredacted" },
    signatures: { "example.com": { "ed25519:1": "sig" } },
    prev_events: ["$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg"],
    auth_events: ["$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg"],
    unsigned: { age: 10 },
  };
  const result = validatePdu(pdu, "12");
  expect(result.ok && result.pdu === pdu).toBe(true);
  expect(redactEvent(pdu, rules).content).toEqual({});
});

it("README example runs exactly as written in README.md and prints what its comments say", async () => {
  const logs = await runReadmeExample(import.meta.url);
  expect(logs).toEqual([
    [{ localpart: "alice", serverName: "example.com" }],
    [undefined],
    ["M_INVALID_PARAM"],
    [true],
    [true],
    [{}],
  ]);
});
