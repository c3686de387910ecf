export const ROAD_CLASSES = ['expressway', 'urban_expressway', 'national', 'provincial', 'county', 'urban', 'other'] as const;
export type RoadClass = (typeof ROAD_CLASSES)[number];

/** 记分办法 bands treat expressways and urban expressways alike. */
export const isExpresswayClass = (roadClass: RoadClass): boolean => roadClass === 'expressway' || roadClass === 'urban_expressway';

export interface RoadSegmentLimit {
  segmentId: string;
  roadClass: RoadClass;
  postedLimitKmh: number;
  name?: string;
}

/** Road classes as notices and alerts name them. */
export const ROAD_CLASS_ZH: Record<RoadClass, string> = {
  expressway: '高速公路',
  urban_expressway: '城市快速路',
  national: '国道',
  provincial: '省道',
  county: '县道',
  urban: '城市道路',
  other: '其他道路',
};
