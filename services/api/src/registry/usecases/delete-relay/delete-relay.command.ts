import type { Scope } from '../../../auth/scope';

/** Delete a 接驳运输 relay registration (`DELETE /v1/relays/:relayId`) of a vehicle in the caller's scope. */
export interface DeleteRelayCommand {
  scope: Scope;
  relayId: string;
}
