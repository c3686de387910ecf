import { LiveFleet, seededRandom, TestTerminal, type SimulatedVehicle } from '@roadwatch/simulator';
import type { Logger } from '@roadwatch/runtime';

export interface RunningSimulation {
  connectedTerminals(): number;
  reportsSent(): number;
  weighingsSent(): number;
  stop(): Promise<void>;
}

/**
 * The simulated fleet of the embedded demo, driven through the real front doors: every
 * vehicle is a JT/T 808 terminal over TCP to the gateway (register, authenticate, report),
 * and a 治超 station posts weighings to ingest-wim over HTTP — some overloaded, now and
 * then a 百吨王.
 */
export const startSimulation = async (options: {
  fleet: readonly SimulatedVehicle[];
  gatewayPort: number;
  wimUrl: string;
  wimStation: { stationId: string; apiKey: string };
  reportIntervalMs: number;
  wimIntervalMs: number;
  logger: Logger;
}): Promise<RunningSimulation> => {
  const { fleet, logger } = options;
  const terminals: TestTerminal[] = [];
  let reports = 0;
  let weighings = 0;

  // Connect in small waves so the demo's start-up is not one burst of registrations.
  for (let start = 0; start < fleet.length; start += 50) {
    const wave = await Promise.all(
      fleet.slice(start, start + 50).map(async (vehicle) => {
        try {
          const terminal = await TestTerminal.connect({ host: '127.0.0.1', port: options.gatewayPort, phone: vehicle.terminalPhone });
          await terminal.registerAndAuthenticate(vehicle.facts.plate, vehicle.facts.plateColour);
          return terminal;
        } catch (error) {
          logger.warn({ vehicleId: vehicle.facts.vehicleId, err: error }, 'simulated terminal could not connect');
          return undefined;
        }
      }),
    );
    terminals.push(...wave.filter((t): t is TestTerminal => t !== undefined));
  }

  const live = new LiveFleet(fleet);
  let lastTickMs = Date.now();
  const reportTimer = setInterval(() => {
    const nowMs = Date.now();
    const positions = live.tick(nowMs, nowMs - lastTickMs);
    lastTickMs = nowMs;
    positions.forEach((position, index) => {
      const terminal = terminals[index];
      if (!terminal || terminal.isClosed) return;
      terminal.sendLocation({ ...position, deviceTimeMs: nowMs });
      reports++;
    });
  }, options.reportIntervalMs);

  const random = seededRandom(42);
  const trucks = fleet.filter((v) => v.facts.vehicleClass === 'heavy_truck');
  const wimTimer = setInterval(() => {
    const truck = trucks[Math.floor(random() * trucks.length)];
    if (!truck) return;
    // Mostly legal loads, one in four over 49 t, one in ten a 百吨王.
    const roll = random();
    const grossKg = roll < 0.1 ? 101_000 : roll < 0.35 ? 52_000 + Math.round(random() * 8_000) : 30_000 + Math.round(random() * 16_000);
    const axleWeightsKg = [0.1, 0.18, 0.18, 0.18, 0.18, 0.18].map((share) => Math.round(grossKg * share));
    const record = {
      stationId: options.wimStation.stationId,
      recordId: `SIM-${Date.now()}-${weighings}`,
      lane: 1 + (weighings % 3),
      direction: '北京方向',
      measuredAt: Date.now(),
      plate: truck.facts.plate,
      plateColour: truck.facts.plateColour,
      axleCount: 6,
      axleWeightsKg,
      grossKg: axleWeightsKg.reduce((sum, kg) => sum + kg, 0),
      speedKmh: 35 + Math.round(random() * 30),
      accuracyClassPct: 5,
    };
    fetch(`${options.wimUrl}/v1/wim/measurements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': options.wimStation.apiKey },
      body: JSON.stringify(record),
    })
      .then((response) => {
        if (response.ok) weighings++;
        else logger.warn({ status: response.status }, 'simulated weighing refused');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'simulated weighing failed'));
  }, options.wimIntervalMs);

  return {
    connectedTerminals: () => terminals.filter((t) => !t.isClosed).length,
    reportsSent: () => reports,
    weighingsSent: () => weighings,
    stop: async () => {
      clearInterval(reportTimer);
      clearInterval(wimTimer);
      await Promise.all(terminals.map((t) => t.close()));
    },
  };
};
