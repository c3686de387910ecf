import { z } from 'zod';
import { apiRole } from './api.schema';
import { divisionCode, epochMs } from './common.schema';
import { safeJsonObject, safeString } from './safe-string';

/**
 * User administration (`/v1/admin/users`, `/v1/admin/audit`, admin only) and a user's own
 * password (`/v1/me/password`). Password strength is judged by the API (a dictionary
 * estimator that this zod-only library cannot carry); here only its length bounds.
 */

/**
 * A name a person typed: a safe string (no C0 control, DEL or lone surrogate), and besides no
 * C1 control and no bidirectional override, which could make a name in the audit log or its
 * CSV export read differently from what it is.
 */
const MISLEADING = /[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/u;
export const plainText = (max: number) =>
  safeString()
    .refine((s) => !MISLEADING.test(s), 'no control characters or bidirectional overrides')
    .trim()
    .min(1)
    .max(max);

/** A user name: a letter or digit first, then letters, digits, `.`, `_` or `-` (it appears in URLs and in the audit log). */
export const username = safeString().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, '1–64 letters, digits, ".", "_" or "-", a letter or digit first');

/** The shortest password the API accepts (besides its strength rule: not the user name, not a common password). */
export const MIN_PASSWORD_LENGTH = 10;
export const newPassword = safeString().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(200);

const companyId = safeString()
  .min(1)
  .max(64)
  .regex(/^[^\s/?#]+$/, 'no spaces, slashes, ? or #');

/** What an admin sets of a user. A company user must name its company; only operators and enforcement users have a region. */
const userFields = z.object({
  role: apiRole,
  companyId: companyId.optional(),
  regionCode: divisionCode.optional(),
  displayName: plainText(100).optional(),
});

const consistent = <T extends z.ZodType<z.infer<typeof userFields>>>(schema: T) =>
  schema
    .refine((u) => (u.role === 'company') === (u.companyId !== undefined), {
      message: 'a company user names its company, and only a company user has one',
      path: ['companyId'],
    })
    .refine((u) => u.regionCode === undefined || u.role === 'operator' || u.role === 'enforcement', {
      message: 'only operator and enforcement users have a region',
      path: ['regionCode'],
    });

/** `POST /v1/admin/users`. Without `password` the API makes a one-time temporary one; either way the user must change it at first sign-in. */
export const createUserRequest = consistent(userFields.extend({ username, password: newPassword.optional() }));
export type CreateUserRequest = z.infer<typeof createUserRequest>;

/** `PUT /v1/admin/users/:username`: replaces role, company, region and display name (fields left out are cleared). */
export const updateUserRequest = consistent(userFields);
export type UpdateUserRequest = z.infer<typeof updateUserRequest>;

/** `POST /v1/admin/users/:username/reset-password`: a given password, or none for a one-time temporary one. */
export const resetPasswordRequest = z.object({ password: newPassword.optional() });
export type ResetPasswordRequest = z.infer<typeof resetPasswordRequest>;

/** The answer to a create or a reset: the temporary password is shown once and never stored in clear. */
export const passwordIssued = z.object({
  username: safeString(),
  /** Present when the API made the password; tell it to the user once. */
  temporaryPassword: safeString().optional(),
  mustChangePassword: z.literal(true),
});
export type PasswordIssued = z.infer<typeof passwordIssued>;

/** `POST /v1/me/password`. */
export const changePasswordRequest = z.object({ currentPassword: safeString().min(1).max(200), newPassword });
export type ChangePasswordRequest = z.infer<typeof changePasswordRequest>;

export const userItem = z.object({
  username: safeString(),
  role: apiRole,
  companyId: safeString().optional(),
  regionCode: safeString().optional(),
  displayName: safeString().optional(),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  createdAtMs: epochMs,
  updatedAtMs: epochMs,
  lastSignInAtMs: epochMs.optional(),
});
export type UserItem = z.infer<typeof userItem>;

export const userListQuery = z.object({
  role: apiRole.optional(),
  companyId: safeString().min(1).optional(),
  disabled: z
    .enum(['true', 'false'])
    .transform((s) => s === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

// ─── audit log ───

/**
 * What the audit log records. `auth.*` are sign-ins and password changes by the user; `user.*`,
 * `registry.*` (companies, vehicles, terminals, drivers, speed zones, WIM stations, source sites;
 * target `<resource>/<id>`) and `audit.*` are admin actions.
 */
export const auditAction = z.enum([
  'auth.sign_in',
  'auth.change_password',
  'user.create',
  'user.update',
  'user.disable',
  'user.enable',
  'user.reset_password',
  'user.bootstrap',
  'audit.export',
  'registry.create',
  'registry.update',
  'registry.delete',
  // An officer's release of a 重点监管 entry (RULES.md §10), with the comment as the reason.
  'key_supervision.release',
  // Delivery to companies: a route saved or deleted, a webhook secret rotated (target `company/<id>/route/<routeId>` or `company/<id>/secret`).
  'delivery.route_save',
  'delivery.route_delete',
  'delivery.secret_rotate',
  // 考核 (issue #14)
  'assessment.import',
  'assessment.settings',
  'assessment.recompute',
  // 布控线索 (issue #15): an officer refers a lead (公安/工信) or dismisses it, the note as the reason.
  'targeting.refer',
  'targeting.dismiss',
  // The shift roster (issue #15): a shift saved or deleted (target `roster/shift/<shiftId>`).
  'roster.shift_save',
  'roster.shift_delete',
  // 源头倒查 (issue #15): an officer confirms or rejects a case's trace (target `case/<caseId>/source-trace`), the comment as the reason
  'case.source_trace_decide',
  // Area bans (issue #16): created, replaced or retired (target `area_ban/<banId>`).
  'area_ban.create',
  'area_ban.update',
  'area_ban.retire',
  // Issue #16 item 6: a route or area sent to a vehicle's terminal (target `vehicle/<id>/terminal-geofence/<commandId>`)
  'terminal_geofence.send',
]);
export type AuditAction = z.infer<typeof auditAction>;

/** A changed field's value before and after (absent = unset); never a password or its hash. */
export const fieldChange = safeJsonObject().pipe(z.object({ before: z.unknown().optional(), after: z.unknown().optional() }));

export const auditItem = z.object({
  auditId: safeString(),
  atMs: epochMs,
  /** Who acted (the user name tried, for a sign-in; `system` for the bootstrap admin). */
  actor: safeString(),
  action: auditAction,
  /** The user acted upon, or the registry record (`<resource>/<id>`). */
  target: safeString().optional(),
  outcome: z.enum(['success', 'failure']),
  /** Why a sign-in failed (`unknown_user`, `wrong_password`, `disabled`, `throttled_username`, `throttled_address`), or a note. */
  reason: safeString().optional(),
  clientAddress: safeString().optional(),
  changes: z.record(safeString(), fieldChange).optional(),
});
export type AuditItem = z.infer<typeof auditItem>;

const ms = z.coerce.number().int().nonnegative();

/** `GET /v1/admin/audit` (paged) and `/v1/admin/audit.csv` (every match, oldest first, up to the export cap). */
export const auditListQuery = z
  .object({
    actor: safeString().min(1).max(100).optional(),
    action: auditAction.optional(),
    target: safeString().min(1).max(200).optional(),
    fromMs: ms.optional(),
    toMs: ms.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .refine((q) => q.fromMs === undefined || q.toMs === undefined || q.toMs > q.fromMs, { message: 'toMs must be after fromMs', path: ['toMs'] });
export type AuditListQuery = z.infer<typeof auditListQuery>;
