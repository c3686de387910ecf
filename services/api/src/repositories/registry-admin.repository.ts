import type { DriverDto, SourceSiteDto, SpeedZoneDto, SpeedZoneItem, TerminalDto, TerminalItem, WimStationDto } from '@roadwatch/contracts';
import {
  RegistryReferences,
  RegistryRepository,
  type RegistryPage,
  type RegistryTable,
  type SpeedZoneRecord,
  type StoragePool,
  type TerminalRecord,
} from '@roadwatch/storage';
import { compact } from './rows';

/** Why a row may not be deleted (409), or undefined when it may. */
export type InUse = string | undefined;

const terminalItemOf = (t: TerminalRecord): TerminalItem =>
  // The auth code stays here: it authenticates the terminal and is never sent to a client.
  compact({
    terminalId: t.terminalId,
    vehicleId: t.vehicleId,
    manufacturerId: t.manufacturerId,
    model: t.model,
    registeredAtMs: t.registeredAtMs,
    lastAuthAtMs: t.lastAuthAtMs,
    declaredPlate: t.declaredPlate,
    declaredPlateColour: t.declaredPlateColour,
  }) as TerminalItem;

const speedZoneItemOf = (z: SpeedZoneRecord): SpeedZoneItem =>
  compact({
    segmentId: z.segmentId,
    name: z.name,
    roadClass: z.roadClass,
    postedLimitKmh: z.postedLimitKmh,
    polyline: z.polyline,
    bbox: z.bbox,
  }) as SpeedZoneItem;

/**
 * Registry administration beyond companies and vehicles (those stay in VehiclesRepository):
 * terminals, drivers, road speed zones, WIM stations and source sites, through libs/storage's
 * RegistryRepository. Admin only, so no Scope: the controller checks the capability.
 */
export class RegistryAdminRepository {
  private readonly registry: RegistryRepository;
  private readonly references: RegistryReferences;

  constructor(pool: StoragePool) {
    this.registry = new RegistryRepository(pool);
    this.references = new RegistryReferences(pool);
  }

  async vehicleExists(vehicleId: string): Promise<boolean> {
    return (await this.registry.vehicle(vehicleId)) !== undefined;
  }

  async companyExists(companyId: string): Promise<boolean> {
    return (await this.registry.company(companyId)) !== undefined;
  }

  // ─── terminals ───

  /**
   * The id the terminal is stored under, padded or not: a SIM number arrives as
   * `013800000001` from one edition and `13800000001` from another (canonicalTerminalId of
   * libs/domain), and both name one terminal.
   */
  storedTerminalId(terminalId: string): Promise<string | undefined> {
    return this.references.storedTerminalId(terminalId);
  }

  async terminals(filter: { vehicleId?: string | undefined }, page: RegistryPage): Promise<TerminalItem[]> {
    return (await this.registry.terminals(filter, page)).map(terminalItemOf);
  }

  async terminal(terminalId: string): Promise<TerminalItem | undefined> {
    const stored = await this.storedTerminalId(terminalId);
    const record = stored ? await this.registry.terminal(stored) : undefined;
    return record ? terminalItemOf(record) : undefined;
  }

  /** Writes the edited fields; the auth code and registration time the terminal already has are kept. */
  async putTerminal(terminal: TerminalDto, storedId = terminal.terminalId): Promise<TerminalItem> {
    // No auth code given: the one the terminal holds (from its registration) stays, even one issued meanwhile.
    await this.registry.upsertTerminal(compact({ ...terminal, terminalId: storedId }) as TerminalRecord);
    return terminalItemOf((await this.registry.terminal(storedId)) as TerminalRecord);
  }

  // ─── drivers ───

  drivers(filter: { companyId?: string | undefined }, page: RegistryPage): Promise<DriverDto[]> {
    return this.registry.drivers(filter, page);
  }

  driver(driverId: string): Promise<DriverDto | undefined> {
    return this.registry.driver(driverId);
  }

  async putDriver(driver: DriverDto): Promise<DriverDto> {
    await this.registry.upsertDriver(driver);
    return driver;
  }

  // ─── road speed zones ───

  async speedZones(filter: { roadClass?: string | undefined }, page: RegistryPage): Promise<SpeedZoneItem[]> {
    return (await this.registry.speedZones(filter, page)).map(speedZoneItemOf);
  }

  async speedZone(segmentId: string): Promise<SpeedZoneItem | undefined> {
    const record = await this.registry.speedZone(segmentId);
    return record ? speedZoneItemOf(record) : undefined;
  }

  /** The answer is the stored zone, with the bounding box the storage computed. */
  async putSpeedZone(zone: SpeedZoneDto): Promise<SpeedZoneItem> {
    await this.registry.upsertSpeedZone(zone);
    return (await this.speedZone(zone.segmentId)) as SpeedZoneItem;
  }

  // ─── WIM stations ───

  wimStations(filter: { kind?: string | undefined }, page: RegistryPage): Promise<WimStationDto[]> {
    return this.registry.wimStations(filter, page) as Promise<WimStationDto[]>;
  }

  wimStation(stationId: string): Promise<WimStationDto | undefined> {
    return this.registry.wimStation(stationId) as Promise<WimStationDto | undefined>;
  }

  async putWimStation(station: WimStationDto): Promise<WimStationDto> {
    await this.registry.upsertWimStation(station);
    return station;
  }

  // ─── source sites ───

  async sourceSites(filter: { companyId?: string | undefined }, page: RegistryPage): Promise<SourceSiteDto[]> {
    return (await this.registry.sourceSites(filter, page)).map((s) => ({ ...s, keySite: s.keySite === true }));
  }

  async sourceSite(sourceSiteId: string): Promise<SourceSiteDto | undefined> {
    const site = await this.registry.sourceSite(sourceSiteId);
    return site ? { ...site, keySite: site.keySite === true } : undefined;
  }

  sourceSiteKindExists(kindCode: string): Promise<boolean> {
    return this.registry.sourceSiteKindExists(kindCode);
  }

  async putSourceSite(site: SourceSiteDto): Promise<SourceSiteDto> {
    await this.registry.upsertSourceSite(site);
    return site;
  }

  // ─── deletion ───

  /**
   * What still refers to a row. The registry tables are the present; the records that
   * name them are evidence, and evidence is not rewritten:
   * - a WIM station with measurements or overload violations is kept — its accuracy class
   *   and place are how a weighing is read (and challenged) later;
   * - a driver or a source site named as a party of a 一超四罚 case is kept, for the case;
   * - a terminal and a speed zone may always go: positions keep their terminal id and
   *   speeding alerts the segment and limit they were judged by.
   */
  async inUse(table: RegistryTable, id: string): Promise<InUse> {
    switch (table) {
      case 'wim_stations': {
        const { hasWimMeasurements: measured, overloadViolations: violations } = await this.references.ofWimStation(id);
        if (measured || violations > 0)
          return `WIM station ${id} has ${measured ? 'WIM records' : ''}${measured && violations > 0 ? ' and ' : ''}${violations > 0 ? `${violations} overload violation(s)` : ''}; it is kept as their evidence`;
        return undefined;
      }
      case 'drivers': {
        const cases = (await this.references.asCaseParty('driver', id)).caseParties;
        return cases > 0 ? `driver ${id} is a party of ${cases} case(s); kept for them` : undefined;
      }
      case 'source_sites': {
        const cases = (await this.references.asCaseParty('source_unit', id)).caseParties;
        return cases > 0 ? `source site ${id} is a party of ${cases} case(s); kept for them` : undefined;
      }
      default:
        return undefined;
    }
  }

  delete(table: RegistryTable, id: string): Promise<boolean> {
    return this.registry.delete(table, id);
  }
}
