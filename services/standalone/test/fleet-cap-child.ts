// Run by open-files.spec.ts under a lowered open-files limit: the embedded default's simulated
// fleet (capped by simulatedFleetSize) driven over real TCP into a real gateway in this one process.
import { pino } from 'pino';
import { VehicleRegistry } from '@roadwatch/domain';
import { InProcessBus } from '@roadwatch/messaging';
import { startGateway } from '@roadwatch/gateway-jt808';
import { createSimulatedFleet } from '@roadwatch/simulator';
import { simulatedFleetSize } from '../src/open-files';
import { startSimulation } from '../src/simulation';

const logger = pino({ level: 'warn' });
const cap = simulatedFleetSize(Number(process.env.SIM_VEHICLES), logger);
const fleet = createSimulatedFleet(cap.vehicles);
const bus = new InProcessBus({ logger: pino({ level: 'silent' }) });
const gateway = await startGateway({
  bus,
  vehicles: VehicleRegistry.fromFleet(fleet),
  port: 0,
  host: '127.0.0.1',
  logger: pino({ level: 'silent' }),
  commands: false,
});
const simulation = await startSimulation({
  fleet,
  gatewayPort: gateway.port,
  wimUrl: 'http://127.0.0.1:9',
  wimStation: { stationId: 'ST-CAP', apiKey: 'unused' },
  reportIntervalMs: 600_000,
  wimIntervalMs: 600_000,
  logger,
});
process.stdout.write(`${JSON.stringify({ result: { ...cap, connected: simulation.connectedTerminals(), authenticated: gateway.stats().authenticated } })}\n`);
await simulation.stop();
await gateway.close();
await bus.close();
process.exit(0);
