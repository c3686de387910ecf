import type { SourceUnitRankingResponse } from '@roadwatch/contracts';
import { exportSheet, type ExportColumn, type ExportSheet } from '@roadwatch/runtime';

type Row = SourceUnitRankingResponse['rows'][number] & { rank: number };
type FileLang = 'zh' | 'en';

/** The ranking's columns as the page shows them, one typed cell each (a spreadsheet can sum the trips). */
export const sourceUnitRankingColumns = (lang: FileLang): Array<ExportColumn<Row>> => {
  const col = (zh: string, en: string, rest: Omit<ExportColumn<Row>, 'header'>): ExportColumn<Row> => ({ header: lang === 'zh' ? zh : en, ...rest });
  return [
    col('排名', 'Rank', { type: 'integer', value: (r) => r.rank }),
    col('源头单位编号', 'Site id', { type: 'text', value: (r) => r.sourceSiteId }),
    col('源头单位', 'Source site', { type: 'text', value: (r) => r.siteName, width: 24 }),
    col('经营企业', 'Company', { type: 'text', value: (r) => r.companyName ?? r.companyId, width: 28 }),
    col('行政区划', 'Region', { type: 'text', value: (r) => r.regionCode }),
    col('超限车次', 'Overload trips', { type: 'integer', value: (r) => r.trips }),
    col('A级认定', 'Grade A', { type: 'integer', value: (r) => r.gradeA }),
    col('已确认', 'Confirmed', { type: 'integer', value: (r) => r.confirmed }),
    col('最近称重', 'Last weighed', { type: 'date', value: (r) => r.lastWeighedAtMs }),
  ];
};

/** The ranking's rows numbered in the order the read model ranked them. */
export const rankedRows = (ranking: SourceUnitRankingResponse): Row[] => ranking.rows.map((r, i) => ({ ...r, rank: i + 1 }));

export const sourceUnitRankingSheet = (ranking: SourceUnitRankingResponse, lang: FileLang): ExportSheet<never> =>
  exportSheet({ name: lang === 'zh' ? '源头单位排名' : 'Source-unit ranking', columns: sourceUnitRankingColumns(lang), rows: rankedRows(ranking) });
