/** Who owns each vehicle, in memory, for scoping the live feed without a query per message. */
export interface Owner {
  companyId?: string | undefined;
  regionCode?: string | undefined;
  plate?: string | undefined;
}

export interface OwnerSource {
  owners(): Promise<Array<Owner & { vehicleId: string }>>;
}

export class VehicleOwnerCache {
  private owners = new Map<string, Owner>();

  constructor(private readonly source: OwnerSource) {}

  async refresh(): Promise<number> {
    const next = new Map<string, Owner>();
    for (const { vehicleId, ...owner } of await this.source.owners()) next.set(vehicleId, owner);
    this.owners = next;
    return next.size;
  }

  /** Unregistered vehicles have no owner: only an `all` scope admits them. */
  ownerOf(vehicleId: string): Owner {
    return this.owners.get(vehicleId) ?? {};
  }
}
