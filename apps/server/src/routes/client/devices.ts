// https://spec.matrix.org/v1.19/client-server-api/#device-management

import { z } from "zod";
import { defineRoute, respond, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

const AuthDictSchema = z.record(z.string(), z.unknown());

/** List, get, rename and delete devices. */
export function deviceRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/devices",
      auth: "user",
      handler: async ({ requester }) => services.devices.listDevices(requester.userId),
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/devices/:deviceId",
      auth: "user",
      params: z.object({ deviceId: z.string() }),
      handler: async ({ requester, params }) => services.devices.getDevice(requester.userId, params.deviceId),
    }),
    defineRoute({
      method: "PUT",
      path: "/_matrix/client/v3/devices/:deviceId",
      auth: "user",
      params: z.object({ deviceId: z.string() }),
      body: z.object({ display_name: z.string().nullable().optional() }),
      handler: async ({ requester, params, body }) => {
        if (body.display_name !== undefined) await services.devices.setDisplayName(requester.userId, params.deviceId, body.display_name);
        else await services.devices.getDevice(requester.userId, params.deviceId);
        return {};
      },
    }),
    defineRoute({
      method: "DELETE",
      path: "/_matrix/client/v3/devices/:deviceId",
      auth: "user",
      params: z.object({ deviceId: z.string() }),
      body: z.object({ auth: AuthDictSchema.optional() }),
      handler: async ({ requester, params, body }) => {
        await services.devices.getDevice(requester.userId, params.deviceId);
        const outcome = await services.devices.deleteDevicesWithAuth(requester.userId, [params.deviceId], body.auth);
        return outcome.ok ? {} : respond({ status: 401, body: outcome.challenge });
      },
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/delete_devices",
      auth: "user",
      body: z.object({ devices: z.array(z.string()).max(1000), auth: AuthDictSchema.optional() }),
      handler: async ({ requester, body }) => {
        const outcome = await services.devices.deleteDevicesWithAuth(requester.userId, body.devices, body.auth);
        return outcome.ok ? {} : respond({ status: 401, body: outcome.challenge });
      },
    }),
  ];
}
