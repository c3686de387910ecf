import {
  createUserRequest,
  updateUserRequest,
  type AuditAction,
  type AuditListQuery,
  type CreateUserRequest,
  type FieldIssue,
  type UpdateUserRequest,
} from '@roadwatch/contracts';
import { DAY_MS } from '@roadwatch/domain';
import { midnightOf } from '../reports/company-report';

/** The 用户管理 form as typed (every value a string; empty = not given). */
export interface UserForm {
  username: string;
  role: string;
  companyId: string;
  regionCode: string;
  displayName: string;
  password: string;
}

export type UserField = keyof UserForm;
const FIELDS: readonly UserField[] = ['username', 'role', 'companyId', 'regionCode', 'displayName', 'password'];

const given = (value: string): string | undefined => (value.trim() === '' ? undefined : value.trim());

/** The field a contract or API issue names (`body.companyId` or `companyId`), if it is one of the form's. */
export const userFieldOf = (issue: FieldIssue): UserField | undefined => {
  const name = issue.field.replace(/^body\./, '').split('.')[0];
  return FIELDS.find((f) => f === name);
};

type Built<T> = { ok: true; request: T } | { ok: false; issues: FieldIssue[] };

const issuesOf = (error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): FieldIssue[] =>
  error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message }));

/** A create request checked against the contract before it leaves (the API checks again, and the password's strength). */
export const createRequestOf = (form: UserForm): Built<CreateUserRequest> => {
  const parsed = createUserRequest.safeParse({
    username: form.username.trim(),
    role: form.role,
    companyId: given(form.companyId),
    regionCode: given(form.regionCode),
    displayName: given(form.displayName),
    // A password is not trimmed: its spaces are part of it.
    password: form.password === '' ? undefined : form.password,
  });
  return parsed.success ? { ok: true, request: parsed.data } : { ok: false, issues: issuesOf(parsed.error) };
};

/** An edit: role, company, region and display name replace the user's (left empty = cleared). */
export const updateRequestOf = (form: UserForm): Built<UpdateUserRequest> => {
  const parsed = updateUserRequest.safeParse({
    role: form.role,
    companyId: given(form.companyId),
    regionCode: given(form.regionCode),
    displayName: given(form.displayName),
  });
  return parsed.success ? { ok: true, request: parsed.data } : { ok: false, issues: issuesOf(parsed.error) };
};

/** The audit filters as the API takes them: local dates (China time) from the first day's midnight to the midnight after the last. */
export const auditQueryOf = (filters: { actor: string; action: string; from: string; to: string }): Partial<AuditListQuery> | undefined => {
  const query: Partial<AuditListQuery> = { limit: 200 };
  const actor = given(filters.actor);
  if (actor) query.actor = actor;
  if (filters.action) query.action = filters.action as AuditAction;
  if (filters.from) {
    const fromMs = midnightOf(filters.from);
    if (fromMs === undefined) return undefined;
    query.fromMs = fromMs;
  }
  if (filters.to) {
    const lastMs = midnightOf(filters.to);
    if (lastMs === undefined || (query.fromMs !== undefined && lastMs < query.fromMs)) return undefined;
    query.toMs = lastMs + DAY_MS;
  }
  return query;
};
