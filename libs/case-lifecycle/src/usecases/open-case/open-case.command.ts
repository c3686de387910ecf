import type { OverloadViolationV1 } from '@roadwatch/contracts';

/** Open the 一超四罚 case of a confirmed violation (`violations.overload`, services/cases). */
export interface OpenCaseCommand {
  violation: OverloadViolationV1;
  nowMs: number;
}
