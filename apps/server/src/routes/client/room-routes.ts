// Every room-side route family, gathered for routes/index.ts.

import type { AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";
import { createRoomRoutes } from "./create-room.js";
import { directoryRoutes } from "./directory.js";
import { membershipRoutes } from "./membership.js";
import { messagesRoutes } from "./messages.js";
import { receiptsRoutes } from "./receipts.js";
import { relationsRoutes } from "./relations.js";
import { reportRoutes } from "./report.js";
import { roomRoutes } from "./rooms.js";
import { sendRoutes } from "./send.js";
import { syncRoutes } from "./sync.js";
import { typingRoutes } from "./typing.js";
import { userDirectoryRoutes } from "./user-directory.js";

/** Rooms, membership, events, history, sync, directory, typing, receipts, relations, reports. */
export function allRoomRoutes(services: Services): AnyRoute[] {
  return [
    ...createRoomRoutes(services),
    ...roomRoutes(services),
    ...membershipRoutes(services),
    ...sendRoutes(services),
    ...messagesRoutes(services),
    ...relationsRoutes(services),
    ...syncRoutes(services),
    ...directoryRoutes(services),
    ...userDirectoryRoutes(services),
    ...typingRoutes(services),
    ...receiptsRoutes(services),
    ...reportRoutes(services),
  ];
}
