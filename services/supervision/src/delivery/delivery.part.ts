import { performance } from 'node:perf_hooks';
import { TOPICS, WEBHOOK_HEADERS, type AlertV1 } from '@roadwatch/contracts';
import { DEFAULT_DELIVERY_RETRY_POLICY, deliveryTargetsOf, nextDeliveryAttemptAtMs, type DeliveryRetryPolicy } from '@roadwatch/rules';
import { checkWebhookTarget, UnsafeWebhookTargetError } from '@roadwatch/runtime';
import { DeliveryRepository, type DueDelivery, type NewDelivery } from '@roadwatch/storage';
import { supervisionEnvSchema } from '../config';
import type { RunningSupervisionPart, SupervisionContext, SupervisionPart } from '../supervision.service';
import { smsTextOf, webhookBodyOf } from './delivery-payload';
import { LoggingSmsProvider, type SmsProvider } from './sms-provider';
import { webhookIdempotencyKeyOf, webhookSignatureOf } from './webhook-signature';

export interface DeliveryPartOptions {
  /** The alerts topic's consumer group (default `supervision-delivery`; a test's own). */
  groupId?: string;
  /** Default: the logging provider (no vendor is called). */
  sms?: SmsProvider;
  /** The jitter's source, [0, 1) (default Math.random). */
  random?: () => number;
  /** Back-off other than the default's (the window comes from DELIVERY_RETRY_WINDOW_MS). */
  retryPolicy?: Omit<DeliveryRetryPolicy, 'windowMs'>;
}

const SETTING_DEFAULTS = supervisionEnvSchema
  .pick({
    DELIVERY_ALLOW_PRIVATE_TARGETS: true,
    DELIVERY_RETRY_WINDOW_MS: true,
    DELIVERY_REQUEST_TIMEOUT_MS: true,
    DELIVERY_CONCURRENCY: true,
    DELIVERY_POLL_MS: true,
  })
  .parse({});

interface SendOutcome {
  delivered: boolean;
  httpStatus?: number;
  error?: string;
}

/** Why a request failed, in words an operator reads in the attempt list. */
const describeFailure = (error: unknown, timeoutMs: number): string => {
  if (error instanceof UnsafeWebhookTargetError) return error.message;
  const named = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (named.name === 'TimeoutError' || named.name === 'AbortError') return `no answer within ${timeoutMs} ms (timeout)`;
  if (named.cause?.code) return `connection failed: ${named.cause.code}`;
  return named.cause?.message ?? named.message ?? String(error);
};

/**
 * Delivery to companies (RULES.md §9 "Delivery", issue #14 item 1). Reads the alerts topic in
 * its own consumer group and enqueues one delivery per alert revision and target the
 * company's routing names (a redelivered message enqueues nothing new); a loop claims due
 * deliveries (SKIP LOCKED and a lease: several members never send one attempt twice, a restart
 * resumes what was pending), POSTs each signed webhook with a timeout or hands the SMS to the
 * provider, and writes every attempt. A failure is retried with back-off and jitter for the
 * window (default 24 h), then given up — the alert itself stays in the company's list
 * (the handling part's), whatever happens here.
 */
export const deliveryPart = (options: DeliveryPartOptions = {}): SupervisionPart => ({
  name: 'delivery',
  start: (context) => startDelivery(context, options),
});

const startDelivery = async (context: SupervisionContext, options: DeliveryPartOptions): Promise<RunningSupervisionPart> => {
  const { bus, pool, logger, metrics, now } = context;
  const settings = {
    allowPrivateTargets: context.config.DELIVERY_ALLOW_PRIVATE_TARGETS ?? SETTING_DEFAULTS.DELIVERY_ALLOW_PRIVATE_TARGETS,
    windowMs: context.config.DELIVERY_RETRY_WINDOW_MS ?? SETTING_DEFAULTS.DELIVERY_RETRY_WINDOW_MS,
    timeoutMs: context.config.DELIVERY_REQUEST_TIMEOUT_MS ?? SETTING_DEFAULTS.DELIVERY_REQUEST_TIMEOUT_MS,
    concurrency: context.config.DELIVERY_CONCURRENCY ?? SETTING_DEFAULTS.DELIVERY_CONCURRENCY,
    pollMs: context.config.DELIVERY_POLL_MS ?? SETTING_DEFAULTS.DELIVERY_POLL_MS,
  };
  const policy: DeliveryRetryPolicy = { ...DEFAULT_DELIVERY_RETRY_POLICY, ...options.retryPolicy, windowMs: settings.windowMs };
  const perCompany = Math.max(1, Math.floor(settings.concurrency / 4));
  const random = options.random ?? Math.random;
  const sms = options.sms ?? new LoggingSmsProvider(logger);
  const repo = new DeliveryRepository(pool);
  const attempts =
    (metrics.registry.getSingleMetric('roadwatch_delivery_attempts_total') as ReturnType<typeof metrics.counter<'channel' | 'outcome'>> | undefined) ??
    metrics.counter('delivery_attempts_total', 'Delivery attempts to companies by channel and outcome', ['channel', 'outcome']);

  // ─── intake: the alerts topic → deliveries ───
  const deliveriesOf = async (alert: AlertV1, facts: Map<string, Awaited<ReturnType<DeliveryRepository['companyFacts']>>>): Promise<NewDelivery[]> => {
    const companyId = alert.companyId ?? (await repo.companyOfVehicle(alert.vehicleId));
    if (!companyId) return [];
    let company = facts.get(companyId);
    if (!company) facts.set(companyId, (company = await repo.companyFacts(companyId)));
    const payload = { ...webhookBodyOf(alert), companyId };
    return deliveryTargetsOf(company.routes, company.registeredWebhookUrl, alert).map((target) => ({
      alertId: alert.alertId,
      revision: alert.revision,
      companyId,
      channel: target.channel,
      target: target.target,
      routeId: target.routeId,
      rule: alert.rule,
      severity: alert.severity,
      payload,
    }));
  };
  const subscription = await bus.subscribe({
    groupId: options.groupId ?? 'supervision-delivery',
    topics: [TOPICS.alerts],
    fromBeginning: true,
    // The batch's deliveries are enqueued (durable) before its offsets commit; a failure hands it again, and enqueueing twice adds nothing.
    handleBatch: async (batch) => {
      const facts = new Map<string, Awaited<ReturnType<DeliveryRepository['companyFacts']>>>();
      const deliveries: NewDelivery[] = [];
      for (const { value } of batch.messages) deliveries.push(...(await deliveriesOf(value as AlertV1, facts)));
      const added = await repo.enqueue(deliveries, now());
      if (added > 0) {
        logger.debug({ added, of: deliveries.length }, 'deliveries enqueued');
        kick();
      }
    },
  });

  // ─── the loop: due deliveries → attempts ───
  const inFlight = new Map<string, Promise<void>>();
  const inFlightByCompany = new Map<string, number>();

  const send = async (delivery: DueDelivery): Promise<SendOutcome> => {
    const idempotencyKey = webhookIdempotencyKeyOf(delivery.alertId, delivery.revision);
    if (delivery.channel === 'sms') {
      await sms.send({ to: delivery.target, text: smsTextOf(delivery.payload as Parameters<typeof smsTextOf>[0]), idempotencyKey });
      return { delivered: true };
    }
    const url = await checkWebhookTarget(delivery.target, { allowPrivateTargets: settings.allowPrivateTargets });
    const secret = await repo.secretOf(delivery.companyId);
    if (!secret)
      return { delivered: false, error: 'no signing secret yet: the company or the admin creates one (投递设置 → 生成密钥) and the delivery is retried' };
    const body = JSON.stringify(delivery.payload);
    const timestampS = String(Math.floor(now() / 1000));
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'roadwatch-webhook/1',
        [WEBHOOK_HEADERS.timestamp]: timestampS,
        [WEBHOOK_HEADERS.signature]: webhookSignatureOf(secret, timestampS, body),
        [WEBHOOK_HEADERS.idempotencyKey]: idempotencyKey,
        [WEBHOOK_HEADERS.attempt]: String(delivery.attempts + 1),
      },
      body,
      // A redirect is an answer, not a delivery: following it could lead to a target never checked.
      redirect: 'manual',
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    // The answer's body is not read: a receiver that streams forever cannot hold a slot.
    await response.body?.cancel().catch(() => undefined);
    return response.status >= 200 && response.status < 300
      ? { delivered: true, httpStatus: response.status }
      : { delivered: false, httpStatus: response.status, error: `HTTP ${response.status} ${response.statusText}`.trim() };
  };

  const attempt = async (delivery: DueDelivery): Promise<void> => {
    const attemptNo = delivery.attempts + 1;
    const atMs = now();
    const started = performance.now();
    const outcome = await send(delivery).catch((error: unknown): SendOutcome => ({ delivered: false, error: describeFailure(error, settings.timeoutMs) }));
    const durationMs = performance.now() - started;
    const nextAttemptAtMs = outcome.delivered
      ? undefined
      : nextDeliveryAttemptAtMs(policy, { attemptNo, firstDueAtMs: delivery.createdAtMs, failedAtMs: now(), random: random() });
    const result = outcome.delivered ? 'delivered' : nextAttemptAtMs === undefined ? 'given_up' : 'failed';
    const written = await repo.recordAttempt({
      deliveryId: delivery.deliveryId,
      attemptNo,
      atMs,
      outcome: result,
      httpStatus: outcome.httpStatus,
      error: outcome.error,
      durationMs,
      nextAttemptAtMs,
    });
    attempts.inc({ channel: delivery.channel, outcome: result });
    const log = { alertId: delivery.alertId, revision: delivery.revision, companyId: delivery.companyId, channel: delivery.channel, attemptNo, written };
    if (result === 'given_up') logger.warn({ ...log, error: outcome.error }, 'delivery given up after its retry window; the alert stays in the company list');
    else if (result === 'failed') logger.info({ ...log, error: outcome.error, nextAttemptAtMs }, 'delivery failed; retried later');
  };

  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> = Promise.resolve();
  const tick = async (): Promise<void> => {
    const free = settings.concurrency - inFlight.size;
    if (closed || free <= 0) return;
    const nowMs = now();
    const claimed = await repo.claimDue({
      nowMs,
      // Longer than any one attempt (the request's timeout, the database's writes): a member that died frees its claims after it.
      leaseUntilMs: nowMs + settings.timeoutMs + 60_000,
      limit: free,
      perCompany,
      skipCompanies: [...inFlightByCompany].filter(([, count]) => count >= perCompany).map(([companyId]) => companyId),
    });
    for (const delivery of claimed) {
      inFlightByCompany.set(delivery.companyId, (inFlightByCompany.get(delivery.companyId) ?? 0) + 1);
      const running = attempt(delivery)
        .catch((error: unknown) =>
          logger.error({ err: error, alertId: delivery.alertId, companyId: delivery.companyId }, 'delivery attempt not recorded; retried after its lease'),
        )
        .finally(() => {
          inFlight.delete(delivery.deliveryId);
          const left = (inFlightByCompany.get(delivery.companyId) ?? 1) - 1;
          if (left > 0) inFlightByCompany.set(delivery.companyId, left);
          else inFlightByCompany.delete(delivery.companyId);
          // A slot came free: look for more at once rather than at the next period.
          kick();
        });
      inFlight.set(delivery.deliveryId, running);
    }
  };
  const runTick = (): void => {
    ticking = ticking.then(tick).catch((error: unknown) => logger.warn({ err: error }, 'looking for due deliveries failed; tried again'));
  };
  let kickPending = false;
  function kick(): void {
    if (closed || kickPending) return;
    kickPending = true;
    setImmediate(() => {
      kickPending = false;
      runTick();
    });
  }
  const schedule = (): void => {
    if (closed) return;
    timer = setTimeout(() => {
      runTick();
      // runTick's chain never rejects (it logs); the next period starts when this one's claim is done.
      ticking.then(schedule, schedule);
    }, settings.pollMs);
  };
  schedule();
  kick();

  return {
    readiness: [{ name: 'delivery-intake', check: () => !bus.stalledConsumers().some((stalled) => stalled.groupId === subscription.groupId) }],
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      await subscription.close();
      await ticking;
      await Promise.allSettled(inFlight.values());
    },
  };
};
