// Reading rooms: https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3joined_rooms,
// #get_matrixclientv3roomsroomidmembers, #get_matrixclientv3roomsroomidjoined_members,
// #get_matrixclientv3roomsroomideventeventid, and room state:
// #get_matrixclientv3roomsroomidstate, #get_matrixclientv3roomsroomidstateeventtypestatekey,
// #put_matrixclientv3roomsroomidstateeventtypestatekey.

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

const Content = z.record(z.string(), z.unknown());
const MEMBERSHIP = z.enum(["join", "invite", "knock", "leave", "ban"]);

/** Room reads and state. */
export function roomRoutes(services: Services): AnyRoute[] {
  const { rooms } = services;
  const stateGet = (withKey: boolean): AnyRoute =>
    defineRoute({
      method: "GET",
      path: withKey ? "/_matrix/client/v3/rooms/:roomId/state/:eventType/:stateKey" : "/_matrix/client/v3/rooms/:roomId/state/:eventType",
      auth: "user",
      query: z.object({ format: z.enum(["content", "event"]).optional() }),
      handler: async ({ requester, params, query }) => {
        const row = await rooms.stateEvent(requester, params.roomId!, params.eventType!, params.stateKey ?? "");
        const event = (await rooms.format([row], requester))[0]!;
        return query.format === "event" ? event : event.content;
      },
    });
  const statePut = (withKey: boolean): AnyRoute =>
    defineRoute({
      method: "PUT",
      path: withKey ? "/_matrix/client/v3/rooms/:roomId/state/:eventType/:stateKey" : "/_matrix/client/v3/rooms/:roomId/state/:eventType",
      auth: "user",
      rateLimited: true,
      body: Content,
      handler: async ({ requester, params, body }) => ({
        event_id: await rooms.sendState(requester, params.roomId!, params.eventType!, params.stateKey ?? "", body),
      }),
    });
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/joined_rooms",
      auth: "user",
      handler: async ({ requester }) => ({ joined_rooms: await rooms.joinedRooms(requester.userId) }),
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/rooms/:roomId/members",
      auth: "user",
      query: z.object({ at: z.string().optional(), membership: MEMBERSHIP.optional(), not_membership: MEMBERSHIP.optional() }),
      handler: async ({ requester, params, query }) => ({
        chunk: await rooms.members(requester, params.roomId!, { at: query.at, membership: query.membership, notMembership: query.not_membership }),
      }),
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/rooms/:roomId/joined_members",
      auth: "user",
      handler: async ({ requester, params }) => ({ joined: await rooms.joinedMembers(requester, params.roomId!) }),
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/rooms/:roomId/event/:eventId",
      auth: "user",
      handler: async ({ requester, params }) => rooms.event(requester, params.roomId!, params.eventId!),
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/rooms/:roomId/state",
      auth: "user",
      handler: async ({ requester, params }) => rooms.format(await rooms.stateEvents(requester, params.roomId!), requester),
    }),
    stateGet(true),
    stateGet(false),
    statePut(true),
    statePut(false),
  ];
}
