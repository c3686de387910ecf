import type { RouteSpec } from './api-routes';
import { page } from './api.schema';
import {
  sendGeofenceRequest,
  terminalAreaAlarmItem,
  terminalAreaAlarmListQuery,
  terminalDownlinkItem,
  terminalDownlinkListQuery,
} from './terminal-geofence.schema';

/** Routes and areas sent to terminals and the terminals' own area/route alarms (issue #16 item 6); rows of `apiRoutes`. */
export const terminalGeofenceRoutes: readonly RouteSpec[] = [
  {
    method: 'post',
    path: '/v1/terminal-geofences',
    summary:
      "Send an approved route (0x8606), an area ban (0x8604) or a circle (0x8600) to a vehicle's terminal (admin, operators of the vehicle's region); 400 naming the field when it cannot go as asked (no terminal, route not bound or retired, more turning points than one message holds)",
    security: 'bearer',
    body: sendGeofenceRequest,
    status: 202,
    response: terminalDownlinkItem,
    errors: [401, 403, 404],
  },
  {
    method: 'get',
    path: '/v1/terminal-geofences',
    summary: 'Routes and areas sent to terminals in scope, with their outcome (acknowledged, failed, undeliverable…); newest first',
    security: 'bearer',
    query: terminalDownlinkListQuery,
    status: 200,
    response: page(terminalDownlinkItem),
    errors: [401, 403],
  },
  {
    method: 'get',
    path: '/v1/terminal-area-alarms',
    summary: "The terminals' own area/route alarms (bits 20–23, items 0x11–0x13) in scope — evidence beside the platform's episodes, never alone; newest first",
    security: 'bearer',
    query: terminalAreaAlarmListQuery,
    status: 200,
    response: page(terminalAreaAlarmItem),
    errors: [401, 403],
  },
];
