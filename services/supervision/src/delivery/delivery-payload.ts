import type { AlertV1, WebhookAlertBody } from '@roadwatch/contracts';

/**
 * The alert as the company sees it in the platform (`GET /v1/alerts`'s item, without the
 * platform's acknowledgement): what its webhook receives, fixed when the delivery is enqueued
 * so every retry sends the same bytes' content.
 */
export const webhookBodyOf = (alert: AlertV1): WebhookAlertBody => {
  const body: WebhookAlertBody = {
    kind: 'alert',
    alertId: alert.alertId,
    revision: alert.revision,
    vehicleId: alert.vehicleId,
    rule: alert.rule,
    level: alert.level,
    severity: alert.severity,
    startedAtMs: alert.startedAtMs,
    raisedAtMs: alert.raisedAtMs,
    summary: alert.summary,
    isBaiDunWang: alert.details['isBaiDunWang'] === true,
  };
  const optional = {
    plate: alert.plate,
    companyId: alert.companyId,
    regionCode: alert.regionCode,
    endedAtMs: alert.endedAtMs,
    firstRaisedAtMs: alert.firstRaisedAtMs,
    limitPassedAtMs: alert.limitPassedAtMs,
    summaryEn: alert.summaryEn,
    points: alert.points,
    fineYuan: alert.fineYuan,
    latitudeDeg: alert.latitudeDeg,
    longitudeDeg: alert.longitudeDeg,
    receivedLateByMs: alert.receivedLateByMs,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) (body as Record<string, unknown>)[key] = value;
  return body;
};

/** The SMS text: the plate and the Chinese summary (an SMS has no room for more), cut to 200 characters. */
export const smsTextOf = (body: Pick<WebhookAlertBody, 'plate' | 'vehicleId' | 'summary'>): string =>
  `【车辆监控】${body.plate ?? body.vehicleId} ${body.summary}`.slice(0, 200);
