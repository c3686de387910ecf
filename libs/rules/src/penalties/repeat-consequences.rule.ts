import { CHINA_UTC_OFFSET_MS } from '@roadwatch/domain';
import type { PenaltyConfig } from './penalties.config';
import { sourceUnitCountReasonText, sourceUnitFineReasonText, type Bilingual } from './penalty-texts';

/**
 * RULES.md §5: repeat consequences over a rolling 12 months, from the history of prior
 * confirmed violations passed in (the rules read no store). "More than 3" — the 4th
 * violation, counting the one being decided, triggers.
 */
export interface PriorViolation {
  violationId: string;
  occurredAtMs: number;
  vehicleId: string;
  driverId?: string;
  companyId?: string;
}

export interface PriorSourceUnitPenalty {
  sourceUnitId: string;
  decidedAtMs: number;
  fineYuan: number;
}

export interface RepeatCount {
  /** Violations in the window, the current one included. */
  count: number;
  moreThan: number;
  triggered: boolean;
  /** Ids of the prior violations counted (evidence). */
  priorViolationIds: string[];
}

/**
 * Start of the window, exclusive: the same local (GMT+8) wall-clock time `months` calendar
 * months earlier. A day that does not exist in that month (31 Mar → "31 Feb") rolls
 * forward, which shortens the window — the reading that counts fewer priors.
 */
export const windowStartExclusiveMs = (atMs: number, months: number): number => {
  const local = new Date(atMs + CHINA_UTC_OFFSET_MS);
  return (
    Date.UTC(
      local.getUTCFullYear(),
      local.getUTCMonth() - months,
      local.getUTCDate(),
      local.getUTCHours(),
      local.getUTCMinutes(),
      local.getUTCSeconds(),
      local.getUTCMilliseconds(),
    ) - CHINA_UTC_OFFSET_MS
  );
};

/** Prior violations in (start, at], deduplicated by id, the current violation excluded. */
export const priorsInWindow = (
  history: readonly PriorViolation[],
  current: { violationId: string; occurredAtMs: number },
  config: PenaltyConfig,
): PriorViolation[] => {
  const start = windowStartExclusiveMs(current.occurredAtMs, config.repeat.windowMonths);
  const seen = new Set<string>([current.violationId]);
  const out: PriorViolation[] = [];
  for (const v of history) {
    if (seen.has(v.violationId)) continue;
    if (v.occurredAtMs <= start || v.occurredAtMs > current.occurredAtMs) continue;
    seen.add(v.violationId);
    out.push(v);
  }
  return out;
};

export const repeatCount = (priors: readonly PriorViolation[], config: PenaltyConfig): RepeatCount => {
  const count = priors.length + 1;
  return { count, moreThan: config.repeat.moreThan, triggered: count > config.repeat.moreThan, priorViolationIds: priors.map((p) => p.violationId) };
};

export interface CompanyFleetShare {
  violatingVehicles: number;
  fleetSize: number;
  share: number;
  shareAbove: number;
  triggered: boolean;
}

/** §5: distinct violating vehicles of the company in the window (the current one included) over its fleet. */
export const companyFleetShare = (
  companyPriors: readonly PriorViolation[],
  currentVehicleId: string,
  fleetSize: number,
  config: PenaltyConfig,
): CompanyFleetShare => {
  const vehicles = new Set<string>([currentVehicleId, ...companyPriors.map((p) => p.vehicleId)]);
  const share = vehicles.size / fleetSize;
  return {
    violatingVehicles: vehicles.size,
    fleetSize,
    share,
    shareAbove: config.repeat.companyFleetShareAbove,
    // Compare in integers: vehicles / fleet > share ⇔ vehicles > share × fleet.
    triggered: vehicles.size > Math.round(config.repeat.companyFleetShareAbove * fleetSize * 1e9) / 1e9,
  };
};

export interface SourceUnitHistory {
  penaltiesInWindow: number;
  largestFineYuan: number;
  blacklistCandidate: boolean;
  /** Chinese; `reasonsEn` the same in English, in the same order. */
  reasons: string[];
  reasonsEn: string[];
}

/** §5 严重违法失信: source unit fined ≥ ¥20,000 or penalised 3+ times in 12 months (decided penalties only). */
export const sourceUnitHistory = (
  sourceUnitId: string,
  penalties: readonly PriorSourceUnitPenalty[],
  atMs: number,
  config: PenaltyConfig,
): SourceUnitHistory => {
  const start = windowStartExclusiveMs(atMs, config.repeat.windowMonths);
  const inWindow = penalties.filter((p) => p.sourceUnitId === sourceUnitId && p.decidedAtMs > start && p.decidedAtMs <= atMs);
  const largestFineYuan = inWindow.reduce((max, p) => Math.max(max, p.fineYuan), 0);
  const reasons: Bilingual[] = [];
  if (largestFineYuan >= config.blacklist.sourceUnitFineAtLeastYuan) {
    reasons.push(sourceUnitFineReasonText(largestFineYuan, config.blacklist.sourceUnitFineAtLeastYuan, config.repeat.windowMonths));
  }
  if (inWindow.length >= config.blacklist.sourceUnitPenaltiesAtLeast) {
    reasons.push(sourceUnitCountReasonText(inWindow.length, config.blacklist.sourceUnitPenaltiesAtLeast, config.repeat.windowMonths));
  }
  return {
    penaltiesInWindow: inWindow.length,
    largestFineYuan,
    blacklistCandidate: reasons.length > 0,
    reasons: reasons.map((r) => r.zh),
    reasonsEn: reasons.map((r) => r.en),
  };
};
