import type { Queryable } from './sql';

/** A configurable kind of 货运源头单位 site (RULES.md §13: 砂石料场, 矿山, …) and how many sites use it. */
export interface SourceSiteKindRecord {
  kindCode: string;
  nameZh: string;
  nameEn: string;
  sortOrder: number;
  siteCount: number;
}

interface KindRow {
  kind_code: string;
  name_zh: string;
  name_en: string;
  sort_order: number;
  site_count: string | number;
}

const kindOf = (r: KindRow): SourceSiteKindRecord => ({
  kindCode: r.kind_code,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  sortOrder: r.sort_order,
  siteCount: Number(r.site_count),
});

const SELECT_KINDS = `SELECT k.kind_code, k.name_zh, k.name_en, k.sort_order,
  (SELECT count(*) FROM source_sites s WHERE s.site_kind = k.kind_code) AS site_count
  FROM source_site_kinds k`;

/**
 * `source_site_kinds` (migration 0021): the list the admin keeps. A kind is retired (deleted)
 * only while no site names it — the foreign key from `source_sites.site_kind` refuses it otherwise,
 * and `retire` reads the count in the same statement so a racing save cannot slip between.
 */
export class SourceSiteKindRepository {
  constructor(private readonly db: Queryable) {}

  async list(): Promise<SourceSiteKindRecord[]> {
    const { rows } = await this.db.query<KindRow>(`${SELECT_KINDS} ORDER BY k.sort_order, k.kind_code`);
    return rows.map(kindOf);
  }

  async get(kindCode: string): Promise<SourceSiteKindRecord | undefined> {
    const { rows } = await this.db.query<KindRow>(`${SELECT_KINDS} WHERE k.kind_code = $1`, [kindCode]);
    return rows[0] ? kindOf(rows[0]) : undefined;
  }

  /** Adds a kind; false when the code is taken. */
  async add(kind: Omit<SourceSiteKindRecord, 'siteCount'>): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO source_site_kinds (kind_code, name_zh, name_en, sort_order) VALUES ($1, $2, $3, $4) ON CONFLICT (kind_code) DO NOTHING`,
      [kind.kindCode, kind.nameZh, kind.nameEn, kind.sortOrder],
    );
    return rowCount === 1;
  }

  /** Renames a kind (its code, which sites refer to, stays); false when there is none. */
  async rename(kind: Omit<SourceSiteKindRecord, 'siteCount'>): Promise<boolean> {
    const { rowCount } = await this.db.query(`UPDATE source_site_kinds SET name_zh = $2, name_en = $3, sort_order = $4 WHERE kind_code = $1`, [
      kind.kindCode,
      kind.nameZh,
      kind.nameEn,
      kind.sortOrder,
    ]);
    return rowCount === 1;
  }

  /** Deletes a kind no site names; `'in_use'` when one does, `'absent'` when there is no such kind. */
  async retire(kindCode: string): Promise<'retired' | 'in_use' | 'absent'> {
    const { rowCount } = await this.db.query(
      `DELETE FROM source_site_kinds k WHERE k.kind_code = $1 AND NOT EXISTS (SELECT 1 FROM source_sites s WHERE s.site_kind = k.kind_code)`,
      [kindCode],
    );
    if (rowCount === 1) return 'retired';
    return (await this.get(kindCode)) ? 'in_use' : 'absent';
  }
}
