import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { apiErrorOf, type ApiError } from '@roadwatch/contracts';
import type { Logger } from './logger';

interface JsonResponse {
  headersSent: boolean;
  status(code: number): JsonResponse;
  json(body: unknown): unknown;
}

/** body-parser's errors (malformed JSON 400, too large 413, bad charset 415) carry the status and a message safe to show. */
const bodyParserStatusOf = (error: unknown): number | undefined => {
  const e = error as { type?: unknown; status?: unknown; expose?: unknown };
  return typeof e?.type === 'string' && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true ? e.status : undefined;
};

/** Whatever a handler threw, as the one error body of the platform (`apiError` of contracts). */
export const apiErrorOfException = (exception: unknown): ApiError | undefined => {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    if (typeof body === 'object' && body !== null && typeof (body as ApiError).message === 'string' && typeof (body as ApiError).error === 'string') {
      return { ...(body as ApiError), statusCode: status };
    }
    // Nest's own (404 for an unknown route: message may be a string array, …).
    const message = typeof body === 'string' ? body : [(body as { message?: unknown }).message].flat().join('; ') || exception.message;
    return apiErrorOf(status, message);
  }
  const status = bodyParserStatusOf(exception);
  if (status === undefined) return undefined;
  const type = (exception as { type: string }).type;
  if (type === 'entity.parse.failed') return apiErrorOf(400, 'body: not valid JSON', { issues: [{ field: 'body', message: 'not valid JSON' }] });
  if (type === 'entity.too.large') return apiErrorOf(413, `body: larger than the ${(exception as { limit?: number }).limit} bytes accepted`);
  return apiErrorOf(status, (exception as Error).message);
};

/**
 * The global exception filter of the platform's Nest apps: an HttpException and a refused
 * body keep their status in the one error body; anything else is a bug, logged with its
 * stack and answered 500 with no internals (no SQL, no stack, no message of the cause).
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<JsonResponse>();
    let body = apiErrorOfException(exception);
    if (!body) {
      const request = http.getRequest<{ method?: string; originalUrl?: string; url?: string }>();
      // The path only: a query string may carry what a caller typed, and this is a log line.
      const path = (request.originalUrl ?? request.url ?? '').split('?')[0];
      this.logger.error({ err: exception, method: request.method, path }, 'unexpected error answering a request');
      body = apiErrorOf(500, 'internal error; it has been logged');
    }
    if (response.headersSent) return;
    response.status(body.statusCode).json(body);
  }
}
