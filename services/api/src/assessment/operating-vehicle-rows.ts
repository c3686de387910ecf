import { vehicleIdOf } from '@roadwatch/domain';
import type { OperatingVehicle } from '@roadwatch/storage';

/** A row of the 运政 file as cells by header, with its row number in the file (the header is row 1). */
export interface SheetRow {
  row: number;
  cells: Record<string, string>;
}

export interface RejectedRow {
  row: number;
  reason: string;
}

/** The columns, by the headers the 运政 export uses (Chinese) or their English names. */
const COLUMNS = {
  plate: ['车牌号', '车牌号码', 'plate'],
  plateColour: ['车牌颜色', 'platecolour', 'platecolor'],
  companyId: ['企业编号', '业户编号', 'companyid'],
  regionCode: ['行政区划', '行政区划代码', 'regioncode'],
  vehicleClass: ['车辆类型', 'vehicleclass'],
  status: ['营运状态', 'status'],
} as const;
type Column = keyof typeof COLUMNS;

/** JT/T 697.7 plate colour codes, and the names a 运政 export writes. */
const COLOURS: Record<string, number> = {
  蓝: 1,
  蓝色: 1,
  黄: 2,
  黄色: 2,
  黑: 3,
  黑色: 3,
  白: 4,
  白色: 4,
  绿: 5,
  绿色: 5,
  渐变绿: 5,
  黄绿: 6,
  黄绿色: 6,
  其他: 9,
};
const VEHICLE_CLASSES: Record<string, string> = {
  tour_coach: 'tour_coach',
  旅游客车: 'tour_coach',
  long_distance_bus: 'long_distance_bus',
  班线客车: 'long_distance_bus',
  hazmat: 'hazmat',
  危险货物运输车: 'hazmat',
  危货: 'hazmat',
  heavy_truck: 'heavy_truck',
  重型货车: 'heavy_truck',
  other: 'other',
  其他: 'other',
};
const OPERATING = new Set(['营运', 'operating', '']);
const SUSPENDED = new Set(['报停', 'suspended']);
/** A plate: 2–12 letters, digits or CJK, no spaces or control characters. */
const PLATE = /^[\p{Script=Han}A-Z0-9]{2,12}$/u;

const normalHeader = (header: string): string =>
  header
    .replace(/^\uFEFF/, '')
    .replace(/[\s_]/g, '')
    .toLowerCase();

/** Which column each header is (unknown headers are left out). */
export const columnsOf = (headers: readonly string[]): { columns: Map<string, Column>; missing: Column[] } => {
  const columns = new Map<string, Column>();
  for (const header of headers) {
    const name = normalHeader(header);
    const column = (Object.keys(COLUMNS) as Column[]).find((c) => (COLUMNS[c] as readonly string[]).some((alias) => normalHeader(alias) === name));
    if (column) columns.set(header, column);
  }
  const found = new Set(columns.values());
  return { columns, missing: (['plate', 'plateColour'] as Column[]).filter((c) => !found.has(c)) };
};

/**
 * The 运政 rows checked one by one (issue #14 item 4): each valid row kept, each bad one named
 * with its row number and reason — never all or nothing. An operator's rows must lie in its
 * region; a plate listed twice is kept once (the first) and the repeat refused.
 */
export const validateOperatingVehicleRows = (
  rows: readonly SheetRow[],
  headers: readonly string[],
  regionPrefix: string | undefined,
): { vehicles: OperatingVehicle[]; rejected: RejectedRow[]; missingColumns: string[] } => {
  const { columns, missing } = columnsOf(headers);
  if (missing.length > 0) return { vehicles: [], rejected: [], missingColumns: missing.map((c) => COLUMNS[c].join(' / ')) };
  const vehicles: OperatingVehicle[] = [];
  const rejected: RejectedRow[] = [];
  const seen = new Map<string, number>();
  for (const { row, cells } of rows) {
    const value = (column: Column): string => {
      for (const [header, c] of columns) if (c === column) return (cells[header] ?? '').trim();
      return '';
    };
    const reasons: string[] = [];
    const plate = value('plate').toUpperCase();
    if (!PLATE.test(plate)) reasons.push(`车牌号 plate "${value('plate')}" is not a plate (2–12 letters, digits or Chinese characters)`);
    const colourText = value('plateColour');
    const plateColour = /^\d{1,3}$/.test(colourText) ? Number(colourText) : COLOURS[colourText];
    if (plateColour === undefined || plateColour > 255)
      reasons.push(`车牌颜色 plateColour "${colourText}" is not a colour code or name (1 蓝, 2 黄, 3 黑, 4 白, 5 绿, 9 其他)`);
    const regionCode = value('regionCode');
    if (regionCode && !/^\d{1,12}$/.test(regionCode)) reasons.push(`行政区划 regionCode "${regionCode}" is not a division code (digits)`);
    if (regionPrefix !== undefined && !regionCode.startsWith(regionPrefix))
      reasons.push(`行政区划 regionCode "${regionCode}" is outside your region ${regionPrefix}`);
    const classText = value('vehicleClass');
    const vehicleClass = classText ? VEHICLE_CLASSES[classText] : undefined;
    if (classText && !vehicleClass)
      reasons.push(`车辆类型 vehicleClass "${classText}" is not one of ${[...new Set(Object.values(VEHICLE_CLASSES))].join(', ')}`);
    const status = value('status');
    const suspended = SUSPENDED.has(status);
    if (!suspended && !OPERATING.has(status)) reasons.push(`营运状态 status "${status}" is neither 营运 nor 报停`);
    const companyId = value('companyId');
    if (companyId.length > 64) reasons.push('企业编号 companyId is longer than 64 characters');
    if (reasons.length === 0 && plateColour !== undefined) {
      const key = vehicleIdOf(plate, plateColour);
      const first = seen.get(key);
      if (first !== undefined) reasons.push(`${plate} (colour ${plateColour}) is already on row ${first}`);
      else seen.set(key, row);
    }
    if (reasons.length > 0) {
      rejected.push({ row, reason: reasons.join('; ') });
      continue;
    }
    vehicles.push({
      plate,
      plateColour: plateColour as number,
      ...(companyId ? { companyId } : {}),
      ...(regionCode ? { regionCode } : {}),
      ...(vehicleClass ? { vehicleClass } : {}),
      suspended,
    });
  }
  return { vehicles, rejected, missingColumns: [] };
};
