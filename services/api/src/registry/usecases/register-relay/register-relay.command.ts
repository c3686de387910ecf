import type { RelayRequest } from '@roadwatch/contracts';
import type { Scope } from '../../../auth/scope';

/** Register a 接驳运输 relay (`POST /v1/relays`) for a vehicle in the caller's scope. */
export interface RegisterRelayCommand {
  scope: Scope;
  request: RelayRequest;
}
