import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type {
  lowerPlatformInspectionRequest,
  saveLowerPlatformRequest,
  lowerPlatformSupervisionRequest,
  LowerPlatformItem,
  LowerPlatformRequestItem,
} from '@roadwatch/contracts';
import { hashPassword } from '@roadwatch/runtime';
import type { AlertRepository, AuditRepository, LowerPlatformRepository, RegistryRepository } from '@roadwatch/storage';
import type { Scope } from '../auth/scope';
import type { SendInspectionUseCase } from '../inspection/usecases/send-inspection/send-inspection.usecase';
import { LowerPlatformCommandError } from './lower-platform-command.error';
import { lowerPlatformItemOf, lowerPlatformRequestItemOf } from './lower-platform-item';

interface Actor {
  scope: Scope;
  clientAddress?: string | undefined;
}

/**
 * Creates or replaces a lower platform (admin). The 0x1001 password is hashed (scrypt, libs/runtime)
 * — the protocol sends it in clear, so the gateway checks it against the hash; a replace without a
 * password keeps the stored hash. Audited as a registry write; never the password or keys in the log.
 */
export class SaveLowerPlatformUseCase {
  constructor(
    private readonly platforms: LowerPlatformRepository,
    private readonly registry: RegistryRepository,
    private readonly audit: AuditRepository,
  ) {}

  async execute({
    scope,
    clientAddress,
    accessCode,
    request,
  }: Actor & { accessCode: number; request: z.infer<typeof saveLowerPlatformRequest> }): Promise<LowerPlatformItem> {
    const before = await this.platforms.byAccessCode(accessCode);
    if (request.companyId !== undefined && !(await this.registry.company(request.companyId)))
      throw new LowerPlatformCommandError('not_found', `companyId: company ${request.companyId} not found`, {
        field: 'body.companyId',
        message: 'no such company',
      });
    const passwordHash = request.password !== undefined ? await hashPassword(request.password) : before?.passwordHash;
    if (passwordHash === undefined)
      throw new LowerPlatformCommandError('invalid_field', 'password: a new lower platform needs one', {
        field: 'body.password',
        message: 'required for a new platform',
      });
    const saved = await this.platforms.upsert({
      accessCode,
      name: request.name,
      companyId: request.companyId,
      providerName: request.providerName,
      userId: request.userId,
      passwordHash,
      allowedSources: request.allowedSources,
      encrypt: request.encrypt,
      // Never listed, so an edit leaves them out: the stored keys stay.
      encryptKey: request.encryptKey ?? before?.encryptKey ?? 0,
      m1: request.m1 ?? before?.m1 ?? 0,
      ia1: request.ia1 ?? before?.ia1 ?? 0,
      ic1: request.ic1 ?? before?.ic1 ?? 0,
      protocolVersion: request.protocolVersion,
      enabled: request.enabled,
    });
    const changes: Record<string, { before?: unknown; after?: unknown }> = {};
    for (const field of ['name', 'companyId', 'providerName', 'userId', 'allowedSources', 'encrypt', 'protocolVersion', 'enabled'] as const)
      if (JSON.stringify(before?.[field]) !== JSON.stringify(saved[field])) changes[field] = { before: before?.[field], after: saved[field] };
    if (request.password !== undefined) changes['password'] = { after: 'changed' };
    if ([request.encryptKey, request.m1, request.ia1, request.ic1].some((key) => key !== undefined)) changes['keys'] = { after: 'changed' };
    await this.audit.record({
      actor: scope.principal.username,
      clientAddress,
      action: before ? 'registry.update' : 'registry.create',
      target: `lower-platform/${accessCode}`,
      outcome: 'success',
      changes,
    });
    return lowerPlatformItemOf(saved);
  }
}

export class DeleteLowerPlatformUseCase {
  constructor(
    private readonly platforms: LowerPlatformRepository,
    private readonly audit: AuditRepository,
  ) {}

  async execute({ scope, clientAddress, accessCode }: Actor & { accessCode: number }): Promise<void> {
    if (!(await this.platforms.remove(accessCode))) throw new LowerPlatformCommandError('not_found', `lower platform ${accessCode} not found`);
    await this.audit.record({
      actor: scope.principal.username,
      clientAddress,
      action: 'registry.delete',
      target: `lower-platform/${accessCode}`,
      outcome: 'success',
    });
  }
}

/** An officer accepts or rejects a vehicle a lower platform told of. Audited. */
export class ReviewDiscoveredVehicleUseCase {
  constructor(
    private readonly platforms: LowerPlatformRepository,
    private readonly audit: AuditRepository,
  ) {}

  async execute({
    scope,
    clientAddress,
    vehicle,
  }: Actor & { vehicle: { accessCode: number; plate: string; plateColour: number; decision: 'accepted' | 'rejected' } }): Promise<void> {
    if (!(await this.platforms.reviewVehicle(vehicle, vehicle.decision)))
      throw new LowerPlatformCommandError(
        'not_found',
        `no vehicle ${vehicle.plate}:${vehicle.plateColour} discovered from lower platform ${vehicle.accessCode}`,
      );
    await this.audit.record({
      actor: scope.principal.username,
      clientAddress,
      action: 'registry.update',
      target: `lower-platform/${vehicle.accessCode}/vehicle/${vehicle.plate}:${vehicle.plateColour}`,
      outcome: 'success',
      changes: { reviewStatus: { after: vehicle.decision } },
    });
  }
}

/**
 * 查岗 of a lower platform: when it is a company's platform, the 查岗 is the company's (the one
 * send use case: its window, its live notice, its 查岗响应率), and the question also goes over
 * the platform's link (0x9301, sent by the gateway holding it); the platform's 0x1301 answers
 * the company's row. A service provider's platform gets the link request alone.
 */
export class SendLowerPlatformInspectionUseCase {
  constructor(
    private readonly platforms: LowerPlatformRepository,
    private readonly inspections: SendInspectionUseCase,
  ) {}

  async execute({
    scope,
    accessCode,
    request,
    nowMs,
  }: Actor & { accessCode: number; request: z.infer<typeof lowerPlatformInspectionRequest>; nowMs: number }): Promise<LowerPlatformRequestItem> {
    const platform = await this.platforms.byAccessCode(accessCode);
    if (!platform || (platform.companyId === undefined && scope.kind !== 'all'))
      throw new LowerPlatformCommandError('not_found', `lower platform ${accessCode} not found`);
    const inspection = platform.companyId
      ? await this.inspections.execute({
          scope,
          request: { question: request.question, addressing: 'companies', companyIds: [platform.companyId], windowMinutes: request.windowMinutes },
          nowMs,
        })
      : undefined;
    const created = await this.platforms.createRequest({
      requestId: randomUUID(),
      kind: 'inspection',
      accessCode,
      inspectionId: inspection?.inspectionId,
      question: request.question,
      createdAtMs: nowMs,
      deadlineAtMs: nowMs + request.windowMinutes * 60_000,
    });
    return lowerPlatformRequestItemOf(created);
  }
}

/** 督办 of an alert in the caller's scope with the lower platform (0x9401 over its link). */
export class SendLowerPlatformSupervisionUseCase {
  constructor(
    private readonly platforms: LowerPlatformRepository,
    private readonly alerts: AlertRepository,
    private readonly registry: RegistryRepository,
  ) {}

  async execute({
    scope,
    accessCode,
    request,
    nowMs,
  }: Actor & { accessCode: number; request: z.infer<typeof lowerPlatformSupervisionRequest>; nowMs: number }): Promise<LowerPlatformRequestItem> {
    const platform = await this.platforms.byAccessCode(accessCode);
    if (!platform) throw new LowerPlatformCommandError('not_found', `lower platform ${accessCode} not found`);
    const alert = await this.alerts.get(request.alertId, scope.filter);
    if (!alert)
      throw new LowerPlatformCommandError('not_found', `alertId: alert ${request.alertId} not found`, {
        field: 'body.alertId',
        message: 'no such alert in your scope',
      });
    // 0x9401 names the vehicle by plate and colour: the registry's, else what the alert carries.
    const vehicle = await this.registry.vehicle(alert.vehicleId);
    const created = await this.platforms.createRequest({
      requestId: randomUUID(),
      kind: 'supervision',
      accessCode,
      alertId: alert.alertId,
      question: `督办 ${vehicle?.plate ?? alert.plate ?? alert.vehicleId} ${alert.rule}`,
      detail: {
        plate: vehicle?.plate ?? alert.plate ?? '',
        // An unregistered vehicle's id is `plate:colour` (vehicleIdOf); an alert carries no colour of its own.
        plateColour: vehicle?.plateColour ?? Number(/:(\d{1,3})$/.exec(alert.vehicleId)?.[1] ?? 0),
        // WARN_SRC 3: raised by a government platform (ours)
        warnSrc: 3,
        warnType: 0,
        warnAtMs: alert.startedAtMs,
        level: request.level,
        supervisor: request.supervisor,
        phone: request.phone,
        email: request.email,
      },
      createdAtMs: nowMs,
      deadlineAtMs: nowMs + request.windowMinutes * 60_000,
    });
    return lowerPlatformRequestItemOf(created);
  }
}
