// Server-side key backups: https://spec.matrix.org/v1.19/client-server-api/#server-side-key-backups
// /room_keys/version[/{version}] and /room_keys/keys[/{roomId}[/{sessionId}]].

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

const JsonObjectSchema = z.record(z.string(), z.unknown());
const VersionQuery = z.object({ version: z.string() });
const SessionsSchema = z.record(z.string(), z.unknown());

/** The key backup endpoints. */
export function roomKeysRoutes(services: Services): AnyRoute[] {
  const backup = services.keyBackup;
  return [
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/room_keys/version",
      auth: "user",
      body: z.object({ algorithm: z.string(), auth_data: JsonObjectSchema }),
      handler: ({ requester, body }) => backup.createVersion(requester, body.algorithm, body.auth_data),
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/room_keys/version",
      auth: "user",
      handler: ({ requester }) => backup.getVersion(requester),
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/room_keys/version/:version",
      auth: "user",
      params: z.object({ version: z.string() }),
      handler: ({ requester, params }) => backup.getVersion(requester, params.version),
    }),
    defineRoute({
      method: "PUT",
      path: "/_matrix/client/v3/room_keys/version/:version",
      auth: "user",
      params: z.object({ version: z.string() }),
      body: z.object({ algorithm: z.string(), auth_data: JsonObjectSchema, version: z.string().optional() }),
      handler: async ({ requester, params, body }) => {
        await backup.updateVersion(requester, params.version, body);
        return {};
      },
    }),
    defineRoute({
      method: "DELETE",
      path: "/_matrix/client/v3/room_keys/version/:version",
      auth: "user",
      params: z.object({ version: z.string() }),
      handler: async ({ requester, params }) => {
        await backup.deleteVersion(requester, params.version);
        return {};
      },
    }),
    defineRoute({
      method: "PUT",
      path: "/_matrix/client/v3/room_keys/keys",
      auth: "user",
      query: VersionQuery,
      body: z.object({ rooms: z.record(z.string(), z.object({ sessions: SessionsSchema })) }),
      handler: ({ requester, query, body }) =>
        backup.putKeys(requester, query.version, Object.fromEntries(Object.entries(body.rooms).map(([roomId, room]) => [roomId, room.sessions]))),
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/room_keys/keys",
      auth: "user",
      query: VersionQuery,
      handler: ({ requester, query }) => backup.getAllKeys(requester, query.version),
    }),
    defineRoute({
      method: "DELETE",
      path: "/_matrix/client/v3/room_keys/keys",
      auth: "user",
      query: VersionQuery,
      handler: ({ requester, query }) => backup.deleteKeys(requester, query.version),
    }),
    defineRoute({
      method: "PUT",
      path: "/_matrix/client/v3/room_keys/keys/:roomId",
      auth: "user",
      params: z.object({ roomId: z.string() }),
      query: VersionQuery,
      body: z.object({ sessions: SessionsSchema }),
      handler: ({ requester, params, query, body }) => backup.putKeys(requester, query.version, { [params.roomId]: body.sessions }),
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/room_keys/keys/:roomId",
      auth: "user",
      params: z.object({ roomId: z.string() }),
      query: VersionQuery,
      handler: ({ requester, params, query }) => backup.getRoomKeys(requester, query.version, params.roomId),
    }),
    defineRoute({
      method: "DELETE",
      path: "/_matrix/client/v3/room_keys/keys/:roomId",
      auth: "user",
      params: z.object({ roomId: z.string() }),
      query: VersionQuery,
      handler: ({ requester, params, query }) => backup.deleteKeys(requester, query.version, params.roomId),
    }),
    defineRoute({
      method: "PUT",
      path: "/_matrix/client/v3/room_keys/keys/:roomId/:sessionId",
      auth: "user",
      params: z.object({ roomId: z.string(), sessionId: z.string() }),
      query: VersionQuery,
      body: JsonObjectSchema,
      handler: ({ requester, params, query, body }) => backup.putKeys(requester, query.version, { [params.roomId]: { [params.sessionId]: body } }),
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/room_keys/keys/:roomId/:sessionId",
      auth: "user",
      params: z.object({ roomId: z.string(), sessionId: z.string() }),
      query: VersionQuery,
      handler: ({ requester, params, query }) => backup.getSessionKey(requester, query.version, params.roomId, params.sessionId),
    }),
    defineRoute({
      method: "DELETE",
      path: "/_matrix/client/v3/room_keys/keys/:roomId/:sessionId",
      auth: "user",
      params: z.object({ roomId: z.string(), sessionId: z.string() }),
      query: VersionQuery,
      handler: ({ requester, params, query }) => backup.deleteKeys(requester, query.version, params.roomId, params.sessionId),
    }),
  ];
}
