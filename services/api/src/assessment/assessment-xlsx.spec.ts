import ExcelJS from 'exceljs';
import type { AssessmentScoreItem } from '@roadwatch/contracts';
import { chinaLocalToEpochMs } from '@roadwatch/domain';
import { describe, expect, it } from 'vitest';
import { assessmentScoresXlsx } from './assessment-xlsx';

const NOV = { startMs: chinaLocalToEpochMs(2026, 11, 1), endMs: chinaLocalToEpochMs(2026, 12, 1) };

const item = (over: Partial<AssessmentScoreItem>): AssessmentScoreItem => ({
  subjectKind: 'company',
  subjectId: 'C1',
  subjectName: '公司C1',
  regionCode: '440106',
  periodKind: 'month',
  periodStartMs: NOV.startMs,
  periodEndMs: NOV.endMs,
  assessed: true,
  totalScore: 82.5,
  anyIndicatorZero: false,
  handlingRatePct: 85,
  indicators: [],
  ...over,
});

const sheetOf = async (items: AssessmentScoreItem[]): Promise<ExcelJS.Worksheet> => {
  const workbook = new ExcelJS.Workbook();
  const file = await assessmentScoresXlsx(items, NOV.endMs);
  await workbook.xlsx.load(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
  return workbook.worksheets[0]!;
};

describe('the 考核 scores as XLSX (the one table export)', () => {
  it('writes a typed row per subject and period under a bold, frozen header', async () => {
    const sheet = await sheetOf([
      item({
        indicators: [
          { code: 'online', assessed: true, value: 97.25, score: 9.5 } as AssessmentScoreItem['indicators'][number],
          { code: 'inspection_response', assessed: false, score: 10 } as AssessmentScoreItem['indicators'][number],
        ],
      }),
      item({
        subjectKind: 'platform',
        subjectId: '440106',
        subjectName: undefined,
        periodKind: 'rolling_7d',
        totalScore: undefined,
        handlingRatePct: undefined,
      }),
    ]);
    expect(sheet.rowCount).toBe(3);
    const header = sheet.getRow(1);
    expect(header.getCell(1).value).toBe('对象 subject');
    expect(header.font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    // 9 fixed columns, then rate and score per indicator in the 2016 table's order (online is the 2nd, inspection the 8th).
    expect(header.getCell(12).value).toBe('上线率 online %/E');
    expect(header.getCell(25).value).toBe('查岗响应率 inspection response 得分 score');
    const row = sheet.getRow(2);
    expect([row.getCell(1).value, row.getCell(2).value, row.getCell(3).value, row.getCell(4).value]).toEqual(['公司C1', '企业 company', '440106', '月 month']);
    // Dates are date cells holding China wall-clock time (a spreadsheet has no zones): 2026-11-01 00:00 local.
    expect(row.getCell(5).value).toEqual(new Date(Date.UTC(2026, 10, 1)));
    expect(row.getCell(6).value).toEqual(new Date(Date.UTC(2026, 11, 1)));
    expect([row.getCell(8).value, row.getCell(9).value, row.getCell(12).value, row.getCell(13).value]).toEqual([82.5, 85, 97.25, 9.5]);
    // Not assessed: full marks in the score column, no rate.
    expect([row.getCell(24).value, row.getCell(25).value]).toEqual([null, 10]);
    // An indicator missing altogether leaves both cells empty.
    expect([row.getCell(10).value, row.getCell(11).value]).toEqual([null, null]);
    const platform = sheet.getRow(3);
    expect([platform.getCell(1).value, platform.getCell(2).value, platform.getCell(4).value]).toEqual(['440106', '平台 platform', '近7日 7 days']);
    expect([platform.getCell(8).value, platform.getCell(9).value]).toEqual([null, null]);
  });

  it('keeps the workbook readable when a stored name holds a control character or a lone surrogate', async () => {
    const sheet = await sheetOf([item({ subjectName: 'bad\u0001name\uD800' }), item({ subjectId: 'C2', subjectName: '=HYPERLINK("x")' })]);
    expect(sheet.getRow(2).getCell(1).value).toBe('bad\uFFFDname\uFFFD');
    // Text is a string cell in XLSX, never a formula.
    expect(sheet.getRow(3).getCell(1).value).toBe('=HYPERLINK("x")');
  });

  it('writes just the header for no scores', async () => {
    const sheet = await sheetOf([]);
    expect(sheet.rowCount).toBe(1);
  });
});
