import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { CHINA_UTC_OFFSET_MS } from '@roadwatch/domain';

/**
 * One export path for every table the platform hands out as a file (the company report, the
 * audit log, the monthly 通报): the columns are declared once with their cell type, and the
 * same rows become CSV (RFC 4180, UTF-8 with BOM) or an XLSX sheet (exceljs) with typed cells,
 * a bold header row and a frozen pane under it.
 *
 * Text typed by people (company names, user names) could be run by a spreadsheet as a formula:
 * in CSV a cell starting with = + - @ (or a tab or CR) gets an apostrophe in front; in XLSX text
 * is always a string cell (never a formula), so it is written as it is.
 */
export type CellType = 'text' | 'integer' | 'number' | 'percent' | 'date';

/** A cell's value: text, a number (a fraction for `percent`), epoch ms for `date`; undefined leaves it empty. */
export type CellValue = string | number | undefined;

export interface ExportColumn<Row> {
  header: string;
  type: CellType;
  value: (row: Row) => CellValue;
  /** Decimals shown for `number` and `percent` (2 by default); the stored number is never rounded. */
  decimals?: number;
  /** Column width in characters in XLSX; from the header when absent. */
  width?: number;
}

export interface ExportSheet<Row> {
  name: string;
  columns: ReadonlyArray<ExportColumn<Row>>;
  rows: readonly Row[];
  /** Lines above the table (a title, the region, the month, when it was made); the header row follows them. */
  preamble?: readonly string[];
}

/** Characters a spreadsheet would start a formula (or a DDE call) with. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A CSV cell's text with the formula defused (an apostrophe in front) — text only, never a number. */
export const formulaSafeText = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

const csvQuoted = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

const csvTextOf = <Row>(column: ExportColumn<Row>, row: Row): string => {
  const value = column.value(row);
  if (value === undefined) return '';
  if (column.type === 'text' || typeof value === 'string') return csvQuoted(formulaSafeText(String(value)));
  if (!Number.isFinite(value)) return '';
  // Dates as ISO 8601 in UTC: unambiguous whoever opens the file, wherever.
  if (column.type === 'date') return new Date(value).toISOString();
  if (column.type === 'percent') return `${(value * 100).toFixed(column.decimals ?? 2)}%`;
  // Numbers as they are (no thousands separators): a CSV is read back by programs too.
  return String(value);
};

/** The rows as CSV: UTF-8 byte-order mark (spreadsheets then read Chinese as UTF-8), CRLF line ends. */
export const tableCsv = <Row>(columns: ReadonlyArray<ExportColumn<Row>>, rows: readonly Row[]): string => {
  const lines = [columns.map((c) => csvQuoted(formulaSafeText(c.header))).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvTextOf(c, row)).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
};

const numberFormatOf = (column: ExportColumn<unknown>): string | undefined => {
  const decimals = column.decimals ?? 2;
  const fraction = decimals > 0 ? `.${'0'.repeat(decimals)}` : '';
  switch (column.type) {
    case 'integer':
      return '0';
    case 'number':
      return `0${fraction}`;
    case 'percent':
      return `0${fraction}%`;
    case 'date':
      return 'yyyy-mm-dd hh:mm:ss';
    default:
      return undefined;
  }
};

/**
 * A spreadsheet has no time zones: a date cell holds the wall-clock time its reader sees. The
 * platform's users read China time, so the cell holds the China local time of the instant.
 */
const chinaWallClock = (epochMs: number): Date => new Date(epochMs + CHINA_UTC_OFFSET_MS);

const xmlUnsafe = (code: number): boolean =>
  (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f || code === 0xfffe || code === 0xffff;
const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/**
 * Characters XML 1.0 cannot carry (controls but tab, LF and CR; U+FFFE, U+FFFF; lone surrogates; and DEL):
 * one of them in a cell would make the whole workbook unreadable, so each becomes U+FFFD — seen,
 * not silently dropped. Text stored before the contracts refused such characters can hold them.
 */
export const xmlSafeText = (text: string): string => {
  let out: string[] | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    // A well-formed surrogate pair (an emoji, a rare 汉字) starts here: kept whole.
    const pair = isHighSurrogate(code) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1));
    const bad = xmlUnsafe(code) || (!pair && (isHighSurrogate(code) || isLowSurrogate(code)));
    // Most text is clean: it is returned as it is, nothing copied.
    if (bad) (out ??= [text.slice(0, i)]).push('\uFFFD');
    else if (out) out.push(pair ? text.slice(i, i + 2) : text[i]!);
    if (pair) i += 1;
  }
  return out ? out.join('') : text;
};

const xlsxValueOf = <Row>(column: ExportColumn<Row>, row: Row): ExcelJS.CellValue => {
  const value = column.value(row);
  // An empty text is an empty cell, as no figure is.
  if (value === undefined || value === '') return null;
  if (column.type === 'text' || typeof value === 'string') return xmlSafeText(String(value));
  if (!Number.isFinite(value)) return null;
  return column.type === 'date' ? chinaWallClock(value) : value;
};

/** Excel refuses sheet names over 31 characters or with any of : \ / ? * [ ]. */
const sheetNameOf = (name: string): string =>
  xmlSafeText(name)
    .replace(/[:\\/?*[\]]/g, ' ')
    .slice(0, 31) || 'Sheet';

/** Rows written between two yields to the event loop: a large export never holds up the service's other requests for long. */
const ROWS_PER_YIELD = 1_000;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The sheets as one XLSX workbook, written with exceljs' streaming writer (rows committed as
 * they are added, strings inline): about ten times faster than the in-memory workbook on large
 * tables, and it yields to the event loop every ROWS_PER_YIELD rows.
 */
export const tableXlsx = async (sheets: ReadonlyArray<ExportSheet<never>>, options: { creator?: string; createdAtMs?: number } = {}): Promise<Buffer> => {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
  workbook.creator = options.creator ?? 'roadwatch';
  if (options.createdAtMs !== undefined) workbook.created = new Date(options.createdAtMs);
  for (const sheet of sheets as unknown as ReadonlyArray<ExportSheet<unknown>>) {
    const preamble = sheet.preamble ?? [];
    const headerRow = preamble.length + (preamble.length > 0 ? 2 : 1);
    const ws = workbook.addWorksheet(sheetNameOf(sheet.name), { views: [{ state: 'frozen', ySplit: headerRow }] });
    ws.columns = sheet.columns.map((c) => {
      const numFmt = numberFormatOf(c);
      return { width: c.width ?? Math.max(10, [...c.header].length * 2 + 2), ...(numFmt ? { style: { numFmt } } : {}) };
    });
    preamble.forEach((line, i) => {
      const row = ws.getRow(i + 1);
      const cell = row.getCell(1);
      cell.value = xmlSafeText(line);
      cell.numFmt = '@';
      if (i === 0) cell.font = { bold: true, size: 14 };
      row.commit();
    });
    const header = ws.getRow(headerRow);
    header.values = sheet.columns.map((c) => xmlSafeText(c.header));
    header.font = { bold: true };
    header.commit();
    let written = 0;
    for (const row of sheet.rows) {
      ws.addRow(sheet.columns.map((c) => xlsxValueOf(c, row))).commit();
      written += 1;
      if (written % ROWS_PER_YIELD === 0) await yieldToEventLoop();
    }
    ws.commit();
  }
  await workbook.commit();
  await done;
  return Buffer.concat(chunks);
};

/** One sheet's declaration, typed by its rows (the workbook takes sheets of different rows). */
export const exportSheet = <Row>(sheet: ExportSheet<Row>): ExportSheet<never> => sheet as unknown as ExportSheet<never>;

/** XLSX's media type is the contracts' `XLSX_MEDIA_TYPE`: the route table declares it. */
export const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8';
