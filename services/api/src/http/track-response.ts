import type { TrackResponse } from '@roadwatch/contracts';
import type { ApiContext } from './api-context';

/**
 * A vehicle's stored track over [fromMs, toMs] as the API answers it (vehicle tracks, unregistered
 * terminals, a source-trace case). libs/storage's playback keeps one downsampling rule (each
 * bucket's fastest report); `maxPoints` bounds it.
 */
export const trackResponseOf = async (
  ctx: Pick<ApiContext, 'positions'>,
  vehicleId: string,
  window: { fromMs: number; toMs: number },
  maxPoints: number,
): Promise<TrackResponse> => {
  const track = await ctx.positions.track(vehicleId, window.fromMs, window.toMs, { maxPoints });
  return {
    vehicleId,
    fromMs: window.fromMs,
    toMs: window.toMs,
    downsampled: track.bucketMs > 0,
    bucketMs: track.bucketMs,
    points: track.points.map((p) => ({
      tMs: p.deviceTimeMs,
      latitudeDeg: p.latitudeDeg,
      longitudeDeg: p.longitudeDeg,
      speedKmh: p.speedKmh,
      headingDeg: p.headingDeg,
    })),
  };
};
