import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Put, Query, Req, Res, StreamableFile } from '@nestjs/common';
import {
  auditListQuery,
  changePasswordRequest,
  createUserRequest,
  resetPasswordRequest,
  updateUserRequest,
  userListQuery,
  XLSX_MEDIA_TYPE,
  type AuditItem,
  type LoginResponse,
  type PasswordIssued,
  type UserItem,
} from '@roadwatch/contracts';
import {
  CSV_MEDIA_TYPE,
  exportSheet,
  PasswordWorkBusyError,
  retryAfterSeconds,
  tableCsv,
  tableXlsx,
  type ExportColumn,
  type ResponseHeaders,
} from '@roadwatch/runtime';
import { AUDIT_EXPORT_MAX_ROWS, type AuditContext } from '@roadwatch/storage';
import { passwordWeakness } from '../auth/password-strength';
import type { ApiContext } from './api-context';
import { scopeOf, sessionOf } from './auth';
import { fail, notFound, parseOr400 } from './http-errors';
import { clientAddressOf, loginResponseOf, type ClientAddress } from './sign-in';
import { API_CONTEXT } from './tokens';

const badField = (field: string, message: string): never => fail(400, `${field}: ${message}`, [{ field, message }]);

/** A one-time password an admin hands over: 16 characters from 96 bits, with no 0/O or 1/l/I to misread. */
const temporaryPassword = (): string => {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  return [...randomBytes(16)].map((byte) => alphabet[byte % alphabet.length]).join('');
};

/**
 * The audit export's columns, in order (libs/runtime's one table export: RFC 4180 quoting, a
 * formula start defused — user names and display names are typed by people).
 */
const AUDIT_COLUMNS: ReadonlyArray<ExportColumn<AuditItem>> = [
  { header: 'auditId', type: 'text', value: (i) => i.auditId },
  { header: 'at', type: 'date', value: (i) => i.atMs },
  { header: 'actor', type: 'text', value: (i) => i.actor },
  { header: 'action', type: 'text', value: (i) => i.action },
  { header: 'target', type: 'text', value: (i) => i.target },
  { header: 'outcome', type: 'text', value: (i) => i.outcome },
  { header: 'reason', type: 'text', value: (i) => i.reason },
  { header: 'clientAddress', type: 'text', value: (i) => i.clientAddress },
  { header: 'changes', type: 'text', value: (i) => (i.changes ? JSON.stringify(i.changes) : undefined) },
];

/**
 * User administration and the audit log (`/v1/admin/users`, `/v1/admin/audit`; capability
 * `users.admin`: admin only, other roles 403) and a user's own password (`/v1/me/password`).
 * Every write goes through UsersRepository, which records it in the audit log in the same
 * transaction; every change that ends a user's sessions is `forget`-ed here so this
 * instance refuses the old tokens at once and the live feed drops the user's sockets.
 */
@Controller()
export class UsersController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  @Get('v1/admin/users')
  async list(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const q = parseOr400(userListQuery, query, 'query');
    return { items: await this.ctx.users.list(q), limit: q.limit, offset: q.offset };
  }

  @Get('v1/admin/users/:username')
  async get(@Param('username') username: string, @Headers('authorization') auth?: string): Promise<UserItem> {
    await this.admin(auth);
    return (await this.ctx.users.get(username)) ?? notFound('user', username);
  }

  @Post('v1/admin/users')
  @HttpCode(201)
  async create(@Body() body: unknown, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<UserItem & PasswordIssued> {
    const by = await this.admin(auth, request);
    const user = parseOr400(createUserRequest, body, 'body');
    await this.checkCompany(user.companyId);
    const password = this.acceptable(user.password, user.username) ?? temporaryPassword();
    const created = await this.passwordWork(() => this.ctx.users.create({ ...user, password }, by));
    if (!created) return fail(409, `user ${user.username} exists; use PUT`);
    return { ...created, mustChangePassword: true, ...(user.password === undefined ? { temporaryPassword: password } : {}) };
  }

  @Put('v1/admin/users/:username')
  async update(
    @Param('username') username: string,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<UserItem> {
    const by = await this.admin(auth, request);
    const fields = parseOr400(updateUserRequest, body, 'body');
    await this.checkCompany(fields.companyId);
    return this.ended(username, await this.ctx.users.update(username, fields, by));
  }

  @Post('v1/admin/users/:username/disable')
  @HttpCode(200)
  async disable(@Param('username') username: string, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<UserItem> {
    const by = await this.admin(auth, request);
    if (username === by.actor) return fail(409, 'an admin may not disable their own account');
    return this.ended(username, await this.ctx.users.setDisabled(username, true, by));
  }

  @Post('v1/admin/users/:username/enable')
  @HttpCode(200)
  async enable(@Param('username') username: string, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<UserItem> {
    const by = await this.admin(auth, request);
    return this.ended(username, await this.ctx.users.setDisabled(username, false, by));
  }

  @Post('v1/admin/users/:username/reset-password')
  @HttpCode(200)
  async resetPassword(
    @Param('username') username: string,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<PasswordIssued> {
    const by = await this.admin(auth, request);
    const { password: given } = parseOr400(resetPasswordRequest, body, 'body');
    const password = this.acceptable(given, username) ?? temporaryPassword();
    this.ended(username, await this.passwordWork(() => this.ctx.users.resetPassword(username, password, by)));
    return { username, mustChangePassword: true, ...(given === undefined ? { temporaryPassword: password } : {}) };
  }

  /** The user's sign-ins, successful or not, newest first (the audit log's `auth.sign_in` entries naming the user). */
  @Get('v1/admin/users/:username/sign-ins')
  async signIns(@Param('username') username: string, @Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const q = parseOr400(auditListQuery, query, 'query');
    return { items: await this.ctx.audit.list({ ...q, action: 'auth.sign_in', target: username }), limit: q.limit, offset: q.offset };
  }

  @Get('v1/admin/audit')
  async audit(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const q = parseOr400(auditListQuery, query, 'query');
    return { items: await this.ctx.audit.list(q), limit: q.limit, offset: q.offset };
  }

  /** Every entry the filters match, oldest first, as CSV (UTF-8); the export itself is audited. */
  @Get('v1/admin/audit.csv')
  async auditCsv(
    @Query() query: unknown,
    @Req() request: ClientAddress,
    @Res({ passthrough: true }) response: ResponseHeaders,
    @Headers('authorization') auth?: string,
  ): Promise<string> {
    const items = await this.auditExport(query, request, response, auth);
    response.setHeader('Content-Type', CSV_MEDIA_TYPE);
    response.setHeader('Content-Disposition', 'attachment; filename="audit-log.csv"');
    return tableCsv(AUDIT_COLUMNS, items);
  }

  /** The same entries as XLSX: typed cells (the time a date in China time), a frozen header; audited alike. */
  @Get('v1/admin/audit.xlsx')
  async auditXlsx(
    @Query() query: unknown,
    @Req() request: ClientAddress,
    @Res({ passthrough: true }) response: ResponseHeaders,
    @Headers('authorization') auth?: string,
  ): Promise<StreamableFile> {
    const items = await this.auditExport(query, request, response, auth);
    const xlsx = await tableXlsx([exportSheet({ name: 'audit-log', columns: AUDIT_COLUMNS, rows: items })], { createdAtMs: this.ctx.now() });
    return new StreamableFile(xlsx, { type: XLSX_MEDIA_TYPE, disposition: 'attachment; filename="audit-log.xlsx"' });
  }

  /** The entries of an export (at most AUDIT_EXPORT_MAX_ROWS, `X-Truncated` when cut), the export recorded in the log. */
  private async auditExport(query: unknown, request: ClientAddress, response: ResponseHeaders, auth: string | undefined): Promise<AuditItem[]> {
    const by = await this.admin(auth, request);
    const { limit: _limit, offset: _offset, ...filters } = parseOr400(auditListQuery, query, 'query');
    const items = await this.ctx.audit.export(filters);
    const truncated = items.length > AUDIT_EXPORT_MAX_ROWS;
    await this.ctx.audit.record({
      ...by,
      action: 'audit.export',
      outcome: 'success',
      ...(truncated ? { reason: `cut at ${AUDIT_EXPORT_MAX_ROWS} rows` } : {}),
      changes: { filters: { after: filters } },
    });
    // More rows than one export carries: say so, so nobody takes the file for the whole log.
    if (truncated) response.setHeader('X-Truncated', String(AUDIT_EXPORT_MAX_ROWS));
    return items.slice(0, AUDIT_EXPORT_MAX_ROWS);
  }

  /** The user's own password (allowed while it must be changed): a new token comes back, the user's other sessions end. */
  @Post('v1/me/password')
  @HttpCode(200)
  async changePassword(@Body() body: unknown, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<LoginResponse> {
    const session = await sessionOf(this.ctx.sessions, auth);
    const { currentPassword, newPassword } = parseOr400(changePasswordRequest, body, 'body');
    const { username } = session.principal;
    this.acceptable(newPassword, username, 'body.newPassword');
    if (newPassword === currentPassword) return badField('body.newPassword', 'must differ from the current password');
    const outcome = await this.passwordWork(() => this.ctx.users.changeOwnPassword(username, currentPassword, newPassword, clientAddressOf(request)));
    this.ctx.sessions.forget(username);
    this.ctx.onUserChanged(username);
    if (!outcome.ok) return badField('body.currentPassword', 'is not the current password');
    return loginResponseOf(this.ctx, outcome);
  }

  /** Admin only (403 for every other role); who acts and from where, for the audit log. */
  private async admin(auth: string | undefined, request?: ClientAddress): Promise<AuditContext> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'users.admin');
    return { actor: scope.principal.username, ...(request ? { clientAddress: clientAddressOf(request) } : {}) };
  }

  /** The password when given and strong enough (400 naming the field otherwise); undefined when none was given. */
  private acceptable(password: string | undefined, username: string, field = 'body.password'): string | undefined {
    if (password === undefined) return undefined;
    const weakness = passwordWeakness(password, username);
    return weakness === undefined ? password : badField(field, weakness);
  }

  private async checkCompany(companyId: string | undefined): Promise<void> {
    if (companyId !== undefined && !(await this.ctx.vehicles.companyExists(companyId))) badField('body.companyId', `company ${companyId} not found`);
  }

  /** scrypt runs behind the bounded gate: 503 with Retry-After when it is full. */
  private async passwordWork<T>(work: () => Promise<T>): Promise<T> {
    return work().catch((error: unknown) => {
      if (error instanceof PasswordWorkBusyError) return fail(503, `${error.message}; retry after ${retryAfterSeconds(error.retryAfterMs)} s`);
      throw error;
    });
  }

  /** 404 when there was no such user; else this instance forgets the user's cached session state and drops their sockets. */
  private ended(username: string, item: UserItem | undefined): UserItem {
    if (!item) return notFound('user', username);
    this.ctx.sessions.forget(username);
    this.ctx.onUserChanged(username);
    return item;
  }
}
