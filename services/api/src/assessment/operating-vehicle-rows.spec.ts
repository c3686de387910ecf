import { describe, expect, it } from 'vitest';
import { columnsOf, validateOperatingVehicleRows } from './operating-vehicle-rows';

const HEADERS = ['车牌号', '车牌颜色', '企业编号', '行政区划', '车辆类型', '营运状态'];
const row = (row: number, cells: string[]) => ({ row, cells: Object.fromEntries(HEADERS.map((h, i) => [h, cells[i] ?? ''])) });

describe('validateOperatingVehicleRows (the 运政 import, row by row)', () => {
  it('reads Chinese or English headers, with a BOM, spaces and underscores, in any order', () => {
    expect(columnsOf(['\uFEFF车牌号', 'plate_colour', ' Region Code ']).missing).toEqual([]);
    expect(columnsOf(['车牌号', 'x']).missing).toEqual(['plateColour']);
  });
  it('keeps good rows, normalised as vehicle ids are (trimmed, upper case), and names each bad one', () => {
    const { vehicles, rejected } = validateOperatingVehicleRows(
      [
        row(2, [' 京a12345 ', '黄色', 'C1', '110101', '班线客车', '营运']),
        row(3, ['京A12346', '9', '', '', '', '报停']),
        row(4, ['京A\u000012347', '2']),
        row(5, ['京A12348', '256']),
        row(6, ['京A12349', '2', '', '11010X']),
        row(7, ['京A12350', '2', '', '', '拖拉机']),
        row(8, ['京A12345', '2']),
        row(9, ['京A12351', '2', 'x'.repeat(65)]),
      ],
      HEADERS,
      undefined,
    );
    expect(vehicles).toEqual([
      { plate: '京A12345', plateColour: 2, companyId: 'C1', regionCode: '110101', vehicleClass: 'long_distance_bus', suspended: false },
      { plate: '京A12346', plateColour: 9, suspended: true },
    ]);
    expect(rejected.map((r) => r.row)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(rejected[0]?.reason).toMatch(/not a plate/);
    expect(rejected[1]?.reason).toMatch(/plateColour "256"/);
    expect(rejected[2]?.reason).toMatch(/not a division code/);
    expect(rejected[3]?.reason).toMatch(/vehicleClass "拖拉机"/);
    expect(rejected[4]?.reason).toMatch(/already on row 2/);
    expect(rejected[5]?.reason).toMatch(/longer than 64/);
  });
  it('an operator’s rows must lie in its region (a row without a region too)', () => {
    const { vehicles, rejected } = validateOperatingVehicleRows(
      [row(2, ['京A1', '2', '', '110101']), row(3, ['京A2', '2', '', '120101']), row(4, ['京A3', '2'])],
      HEADERS,
      '11',
    );
    expect(vehicles.map((v) => v.plate)).toEqual(['京A1']);
    expect(rejected.map((r) => [r.row, /outside your region 11/.test(r.reason)])).toEqual([
      [3, true],
      [4, true],
    ]);
  });
  it('names every missing required column and keeps nothing', () => {
    expect(validateOperatingVehicleRows([row(2, ['京A1'])], ['车牌号'], undefined)).toEqual({
      vehicles: [],
      rejected: [],
      missingColumns: ['车牌颜色 / platecolour / platecolor'],
    });
  });
});
