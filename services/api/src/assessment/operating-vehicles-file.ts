import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { XLSX_MEDIA_TYPE } from '@roadwatch/contracts';
import type { SheetRow } from './operating-vehicle-rows';

export class UnreadableFileError extends Error {}

/** The most rows one import reads (a province's list is well under it). */
export const MAX_IMPORT_ROWS = 500_000;

/**
 * The 运政 file's header and rows as text cells, from CSV (csv-parse: quotes, embedded commas and
 * newlines, a BOM) or XLSX (exceljs: the first worksheet). Row numbers are the file's own, the
 * header being row 1, so a rejected row can be found in the file.
 */
export const readSheet = async (body: Buffer, contentType: string): Promise<{ headers: string[]; rows: SheetRow[] }> => {
  const type = contentType.split(';')[0]?.trim().toLowerCase();
  if (type === 'text/csv') return readCsv(body);
  if (type === XLSX_MEDIA_TYPE) return readXlsx(body);
  throw new UnreadableFileError(`Content-Type ${type || '(none)'}: send the file as text/csv or ${XLSX_MEDIA_TYPE}`);
};

const readCsv = (body: Buffer): { headers: string[]; rows: SheetRow[] } => {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
  } catch {
    // GBK exports are common: say so rather than store mojibake plates.
    throw new UnreadableFileError('the CSV file is not valid UTF-8: save it as UTF-8 (CSV UTF-8) and import again');
  }
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: false, to: MAX_IMPORT_ROWS + 2 }) as string[][];
  } catch (error) {
    throw new UnreadableFileError(`not a readable CSV file: ${(error as Error).message}`);
  }
  const [headers = [], ...rest] = records;
  if (rest.length > MAX_IMPORT_ROWS) throw new UnreadableFileError(`more than ${MAX_IMPORT_ROWS} rows`);
  const rows = rest
    .map((cells, i) => ({ row: i + 2, cells: Object.fromEntries(headers.map((h, j) => [h, cells[j] ?? ''])) }))
    .filter(({ cells }) => Object.values(cells).some((c) => c.trim() !== ''));
  return { headers, rows };
};

const cellText = (value: ExcelJS.CellValue): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    if (value instanceof Date) return value.toISOString();
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return value.result === undefined ? '' : String(value.result as unknown);
    return '';
  }
  return String(value);
};

const readXlsx = async (body: Buffer): Promise<{ headers: string[]; rows: SheetRow[] }> => {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
  } catch (error) {
    throw new UnreadableFileError(`not a readable XLSX file: ${(error as Error).message}`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new UnreadableFileError('the XLSX file has no worksheet');
  if (sheet.rowCount > MAX_IMPORT_ROWS + 1) throw new UnreadableFileError(`more than ${MAX_IMPORT_ROWS} rows`);
  const header = sheet.getRow(1);
  const headers: string[] = [];
  header.eachCell({ includeEmpty: true }, (cell, col) => (headers[col - 1] = cellText(cell.value).trim()));
  const rows: SheetRow[] = [];
  sheet.eachRow((row, rowNumber) => {
    if (rowNumber === 1) return;
    const cells = Object.fromEntries(headers.map((h, j) => [h, cellText(row.getCell(j + 1).value)]));
    if (Object.values(cells).some((c) => c.trim() !== '')) rows.push({ row: rowNumber, cells });
  });
  return { headers, rows };
};
