import { describe, expect, it } from "vitest";
import { RoomBuilder } from "@weft/test-fixtures";
import { checkEventAuth } from "../src/index.js";

describe("smoke", () => {
  for (const version of ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]) {
    it(`authorizes a standard room in v${version}`, () => {
      const room = RoomBuilder.standard({ version });
      room.message("bob", "hi");
      for (const e of room.events) {
        expect(checkEventAuth(e, room.events, version), e.event_id).toEqual({ ok: true });
      }
    });
  }
});
