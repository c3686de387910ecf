export { startIngestWim, type IngestWimOptions, type RunningIngestWim } from './ingest-wim.service';
export { parseStationKinds, StationKeys } from './station-keys';
export { WimIntake } from './wim-intake.usecase';
