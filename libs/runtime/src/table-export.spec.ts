import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { exportSheet, formulaSafeText, tableCsv, tableXlsx, type ExportColumn } from './table-export';

interface Row {
  name: string;
  vehicles: number;
  rate: number | undefined;
  atMs: number;
}

const COLUMNS: ReadonlyArray<ExportColumn<Row>> = [
  { header: '企业', type: 'text', value: (r) => r.name },
  { header: '车辆数', type: 'integer', value: (r) => r.vehicles },
  { header: '轨迹完整率', type: 'percent', value: (r) => r.rate },
  { header: '时间', type: 'date', value: (r) => r.atMs },
];

// 2026-11-30 23:30:00 China time = 15:30 UTC: the local date differs from the UTC one only in the evening.
const AT_MS = Date.UTC(2026, 10, 30, 15, 30, 0);
const ROWS: Row[] = [
  { name: '=HYPERLINK("http://x","点我")', vehicles: 12, rate: 0.98765, atMs: AT_MS },
  { name: '+86 运输, "北方"', vehicles: 0, rate: undefined, atMs: AT_MS },
  { name: '-1', vehicles: 3, rate: 0, atMs: AT_MS },
  { name: '@SUM(A1)', vehicles: 1, rate: 1, atMs: AT_MS },
  { name: '\tTAB', vehicles: 1, rate: Number.NaN, atMs: AT_MS },
  { name: '普通公司', vehicles: 1, rate: 0.5, atMs: AT_MS },
];

const readBack = async (buffer: Buffer): Promise<ExcelJS.Workbook> => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  return wb;
};

describe('formulaSafeText', () => {
  it('defuses every formula start and leaves anything else alone', () => {
    for (const s of ['=1', '+1', '-1', '@A', '\t=1', '\r=1']) expect(formulaSafeText(s)).toBe(`'${s}`);
    for (const s of ['', '1', ' =1', '企业=', "'=1", 'a+b']) expect(formulaSafeText(s)).toBe(s);
  });
});

describe('tableCsv', () => {
  it('writes a BOM, the header, CRLF lines, quoted fields and defused formulas', () => {
    const lines = tableCsv(COLUMNS, ROWS).split('\r\n');
    expect(lines[0]).toBe('\uFEFF企业,车辆数,轨迹完整率,时间');
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://x"",""点我"")",12,98.77%,2026-11-30T15:30:00.000Z`);
    expect(lines[2]).toBe(`"'+86 运输, ""北方""",0,,2026-11-30T15:30:00.000Z`);
    expect(lines[3]).toBe(`'-1,3,0.00%,2026-11-30T15:30:00.000Z`);
    expect(lines[4]).toBe(`'@SUM(A1),1,100.00%,2026-11-30T15:30:00.000Z`);
    // A NaN is no figure: an empty cell, never "NaN%".
    expect(lines[5]).toBe(`'\tTAB,1,,2026-11-30T15:30:00.000Z`);
    expect(lines[7]).toBe('');
    expect(lines).toHaveLength(8);
  });

  it('an empty table is its header line', () => {
    expect(tableCsv(COLUMNS, [])).toBe('\uFEFF企业,车辆数,轨迹完整率,时间\r\n');
  });

  it('a negative number stays a number, not defused text', () => {
    expect(tableCsv([{ header: 'n', type: 'number', value: (n: number) => n }], [-1.5]).split('\r\n')[1]).toBe('-1.5');
  });
});

describe('tableXlsx', () => {
  it('writes typed cells under a frozen bold header: numbers as numbers, dates as China wall-clock dates, text never a formula', async () => {
    const wb = await readBack(await tableXlsx([exportSheet({ name: '报表', columns: COLUMNS, rows: ROWS })]));
    const ws = wb.getWorksheet('报表')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.getRow(1).values).toEqual([undefined, '企业', '车辆数', '轨迹完整率', '时间']);
    expect(ws.getRow(1).font?.bold).toBe(true);
    expect(ws.rowCount).toBe(1 + ROWS.length);
    const first = ws.getRow(2);
    expect(first.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(first.getCell(1).value).toBe('=HYPERLINK("http://x","点我")');
    expect(first.getCell(1).formula).toBeUndefined();
    expect(first.getCell(2).value).toBe(12);
    expect(first.getCell(3).value).toBeCloseTo(0.98765, 10);
    expect(first.getCell(3).numFmt).toBe('0.00%');
    // 23:30 in China on the 30th, whatever zone the reader is in.
    expect(first.getCell(4).value).toEqual(new Date(Date.UTC(2026, 10, 30, 23, 30, 0)));
    expect(first.getCell(4).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    // No figure: an empty cell; a NaN too.
    expect(ws.getRow(3).getCell(3).value).toBeNull();
    expect(ws.getRow(6).getCell(3).value).toBeNull();
    for (let r = 2; r <= ws.rowCount; r += 1) expect(ws.getRow(r).getCell(1).type, `row ${r}`).toBe(ExcelJS.ValueType.String);
    expect(ws.getRow(2).font?.bold).toBeFalsy();
  });

  it('puts a preamble above the header, freezes below the header, and keeps several sheets apart', async () => {
    const wb = await readBack(
      await tableXlsx([
        exportSheet({ name: '考核/得分', columns: COLUMNS, rows: ROWS.slice(0, 1), preamble: ['标题', '地区: 44'] }),
        exportSheet({ name: '空表', columns: [{ header: 'x', type: 'integer', value: (n: number) => n }], rows: [] }),
      ]),
    );
    const [first, second] = wb.worksheets;
    // "/" is refused in sheet names.
    expect(first!.name).toBe('考核 得分');
    expect(first!.getCell('A1').value).toBe('标题');
    expect(first!.getCell('A2').value).toBe('地区: 44');
    expect(first!.getRow(4).values).toEqual([undefined, '企业', '车辆数', '轨迹完整率', '时间']);
    expect(first!.views[0]).toMatchObject({ state: 'frozen', ySplit: 4 });
    expect(first!.getRow(5).getCell(2).value).toBe(12);
    expect(second!.name).toBe('空表');
    expect(second!.rowCount).toBe(1);
  });

  it('lets other work run while a large table is written (it yields between blocks of rows)', async () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => i);
    let turns = 0;
    let writing = true;
    const other = (): void => {
      turns += 1;
      if (writing) setImmediate(other);
    };
    setImmediate(other);
    // Which turn of the other work each row was read in.
    const turnOfRow: number[] = [];
    const columns: Array<ExportColumn<number>> = [{ header: 'n', type: 'integer', value: (n) => (turnOfRow.push(turns), n) }];
    const buffer = await tableXlsx([exportSheet({ name: 'big', columns, rows })]);
    writing = false;
    // The other work ran between the first and the last row: the table was not written in one go.
    expect(turnOfRow[4_999]! - turnOfRow[0]!).toBeGreaterThanOrEqual(4);
    const ws = (await readBack(buffer)).getWorksheet('big')!;
    expect(ws.rowCount).toBe(5_001);
    expect(ws.getRow(5_001).getCell(1).value).toBe(4_999);
  });

  it('keeps the workbook readable whatever odd characters old text holds: each one XML cannot carry shows as U+FFFD', async () => {
    const odd = [
      'a\u0000b',
      'c\u0001d\u001Fe',
      'lone \ud800 high',
      'lone \udc00 low',
      'non\uFFFEchar',
      'tab\tand\nnewline kept',
      'pair 😀 kept',
      'DEL\u007F shown',
    ];
    const wb = await readBack(
      await tableXlsx([
        exportSheet({ name: 'odd\u0000sheet', columns: [{ header: 'h\u0002', type: 'text', value: (r: string) => r }], rows: odd, preamble: ['t\u0003itle'] }),
      ]),
    );
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('odd\uFFFDsheet');
    expect(ws.getCell('A1').value).toBe('t\uFFFDitle');
    expect(ws.getCell('A3').value).toBe('h\uFFFD');
    expect(odd.map((_, i) => ws.getCell(`A${4 + i}`).value)).toEqual([
      'a\uFFFDb',
      'c\uFFFDd\uFFFDe',
      'lone \uFFFD high',
      'lone \uFFFD low',
      'non\uFFFDchar',
      'tab\tand\nnewline kept',
      'pair 😀 kept',
      'DEL\uFFFD shown',
    ]);
  });
});
