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
