import type { Logger } from '@roadwatch/runtime';
import {
  CLONED_PLATE_VICTIM,
  clonedPlateRun,
  DEMO_ENTRANCE_STATION_ID,
  DEMO_QUARRY_EXIT_STATION_ID,
  demoWeighing,
  QUARRY_TRUCK,
  quarryRun,
  locationReport,
  TestTerminal,
  type SimulatedReport,
  type SimulatedVehicle,
} from '@roadwatch/simulator';
import { IcCardReadResult, IcCardStatus, STATUS_BITS } from '@roadwatch/jt808';
import { startReplayLoop } from './replay-loop';

export interface FourPartiesSimulation {
  /** Quarry runs played (each ends in a 101 t weighing) and cloned-plate weighings posted. */
  runsPlayed(): number;
  stop(): Promise<void>;
}

/** Back-filled reports go in batches the gateway takes as one frame each (0x0704 carries ≤ 255). */
const BATCH_SIZE = 30;

const connect = async (vehicle: SimulatedVehicle, gatewayPort: number): Promise<TestTerminal> => {
  const terminal = await TestTerminal.connect({ host: '127.0.0.1', port: gatewayPort, phone: vehicle.terminalPhone });
  await terminal.registerAndAuthenticate(vehicle.facts.plate, vehicle.facts.plateColour);
  return terminal;
};

/** A scripted track as blind-area back-fill (the truck was out of coverage), batch by batch, each answered. */
export const sendBackfill = async (terminal: TestTerminal, reports: readonly SimulatedReport[]): Promise<void> => {
  for (let start = 0; start < reports.length; start += BATCH_SIZE) {
    const batch = reports.slice(start, start + BATCH_SIZE);
    const { serial, frame } = terminal.encode(0x0704, {
      batchType: 1,
      blindAreaBackfill: true,
      // ACC off while loading: the status word says so, as a real terminal's does.
      locations: batch.map((r) => locationReport({ ...r, statusFlags: (r.accOn ? 1 << STATUS_BITS.accOn : 0) | (1 << STATUS_BITS.positioned) })),
    });
    const answered = terminal.waitForAnswer(serial);
    terminal.sendRaw(frame);
    await answered;
  }
};

/**
 * Issue #15 in the embedded demo, beside the generated fleet: every `intervalMs` (and once at
 * start) the quarry truck's run — its driver's IC card in (0x0702), loading ≥ 8 min inside the
 * quarry's geofence, the exit scale, the drive to the WIM station — played into the gateway as
 * back-fill ending now, then weighed at 101 t; and a weighing of the cloned plate on G4 while the
 * registered truck reports from G1. Simulated time is compressed: a 29-minute run arrives at once.
 */
export const startFourPartiesSimulation = async (options: {
  gatewayPort: number;
  wimUrl: string;
  /** Station id → API key, as WIM_STATION_KEYS gives them; the WIM station is `wimStationId`. */
  stationKeys: ReadonlyMap<string, string>;
  wimStationId: string;
  intervalMs: number;
  logger: Logger;
  now?: () => number;
}): Promise<FourPartiesSimulation> => {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const quarryTerminal = await connect(QUARRY_TRUCK, options.gatewayPort);
  const victimTerminal = await connect(CLONED_PLATE_VICTIM, options.gatewayPort);

  const post = async (stationId: string, record: Record<string, unknown>): Promise<void> => {
    const apiKey = options.stationKeys.get(stationId);
    if (!apiKey) return;
    const response = await fetch(`${options.wimUrl}/v1/wim/measurements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify(record),
    });
    if (!response.ok) logger.warn({ stationId, status: response.status, body: await response.text() }, 'simulated weighing refused');
  };

  const playOnce = async (): Promise<boolean> => {
    // Whole seconds: the terminal's BCD clock has no milliseconds, and the weighing matches the last report.
    const weighedAtMs = Math.floor(now() / 1000) * 1000;
    const run = quarryRun({ weighedAtMs, stationId: options.wimStationId });
    const { driver } = run.signIn;
    await quarryTerminal.sendAndWait(0x0702, {
      cardStatus: IcCardStatus.Inserted,
      signedOn: true,
      eventTimeMs: run.signIn.atMs,
      readResult: IcCardReadResult.Ok,
      card: {
        driverName: driver.name,
        qualificationCode: driver.qualificationNo,
        issuingAuthority: driver.issuingAuthority,
        certificateExpiry: driver.certificateExpiry,
        driverIdNumber: null,
      },
    });
    await sendBackfill(quarryTerminal, run.reports);
    // The exit scale's record goes only where the platform holds the exit scale's key (an exit scale is no WIM station).
    const { exitRecord } = run;
    await post(DEMO_QUARRY_EXIT_STATION_ID, {
      kind: 'site_exit',
      stationId: exitRecord.stationId,
      recordId: exitRecord.recordId,
      measuredAt: exitRecord.measuredAtMs,
      plate: exitRecord.plate,
      plateColour: exitRecord.plateColour,
      axleCount: exitRecord.axleCount,
      grossKg: exitRecord.grossKg,
      tareKg: exitRecord.tareKg,
      netKg: exitRecord.netKg,
      loadingSlipNo: exitRecord.loadingSlipNo,
      accuracyClassPct: 1,
    });
    await post(options.wimStationId, run.weighing);
    // An overloaded run of the same truck refused at the G4 entrance scale earlier (劝返) — again only where the platform holds that scale's key.
    await post(DEMO_ENTRANCE_STATION_ID, {
      ...demoWeighing({
        stationId: DEMO_ENTRANCE_STATION_ID,
        recordId: `ENTRY-${weighedAtMs}`,
        measuredAtMs: weighedAtMs - 40 * 60_000,
        vehicle: QUARRY_TRUCK,
        grossKg: 68_000,
        speedKmh: 5,
      }),
      kind: 'entrance',
      entryRefused: true,
    });

    const clone = clonedPlateRun({ weighedAtMs: weighedAtMs - 10 * 60_000, stationId: options.wimStationId });
    await sendBackfill(
      victimTerminal,
      clone.registered.filter((r) => r.deviceTimeMs <= weighedAtMs),
    );
    await post(options.wimStationId, clone.weighing);
    return true;
  };

  return startReplayLoop({
    intervalMs: options.intervalMs,
    logger,
    what: 'four-parties',
    playOnce,
    close: () => Promise.all([quarryTerminal.close(), victimTerminal.close()]),
  });
};
