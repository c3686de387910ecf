// The one table export (libs/runtime tableCsv / tableXlsx): how long a CSV and an XLSX of a
// company report-like table take, how large they are, and the longest the event loop waited
// while the XLSX was written (the API keeps serving meanwhile: it yields every 1,000 rows).
// Run: npx tsx loadtests/table-export.bench.ts
// Prints figures; it asserts nothing and is not part of the test suite.
import { exportSheet, tableCsv, tableXlsx, type ExportColumn } from '../libs/runtime/src/table-export.js';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('table-export');

interface Row {
  companyId: string;
  name: string;
  vehicles: number;
  rate: number;
  atMs: number;
}

const COLUMNS: Array<ExportColumn<Row>> = [
  { header: '企业编号', type: 'text', value: (r) => r.companyId },
  { header: '企业', type: 'text', value: (r) => r.name },
  ...Array.from({ length: 10 }, (_, i): ExportColumn<Row> => ({
    header: `指标${i}`,
    type: i % 2 === 0 ? 'percent' : 'integer',
    value: (r) => (i % 2 === 0 ? r.rate : r.vehicles),
  })),
  { header: '时间', type: 'date', value: (r) => r.atMs },
];

for (const count of [1_000, 10_000, 100_000]) {
  const rows: Row[] = Array.from({ length: count }, (_, i) => ({
    companyId: `C${i}`,
    name: `运输公司${i}`,
    vehicles: i % 500,
    rate: (i % 1000) / 1000,
    atMs: Date.now(),
  }));
  let csvMs = performance.now();
  const csv = tableCsv(COLUMNS, rows);
  csvMs = performance.now() - csvMs;
  let maxGapMs = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
  }, 5);
  let xlsxMs = performance.now();
  const xlsx = await tableXlsx([exportSheet({ name: 'bench', columns: COLUMNS, rows })]);
  xlsxMs = performance.now() - xlsxMs;
  clearInterval(probe);
  console.log(
    `${count.toLocaleString('en-US').padStart(7)} rows × ${COLUMNS.length} columns: CSV ${csvMs.toFixed(0).padStart(5)} ms ${String(Math.round(csv.length / 1024)).padStart(6)} KiB · ` +
      `XLSX ${xlsxMs.toFixed(0).padStart(5)} ms ${String(Math.round(xlsx.length / 1024)).padStart(5)} KiB, event loop held ≤ ${maxGapMs.toFixed(0)} ms`,
  );
}
