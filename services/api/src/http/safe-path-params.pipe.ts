import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { unsafeCharacterIn } from '@roadwatch/contracts';
import { fail } from './http-errors';

/**
 * Every path parameter (`/v1/vehicles/:vehicleId`, `/v1/admin/:resource/:id`, …) is refused
 * with a 400 naming it when it holds a NUL or another control character (`%00` in the URL):
 * such an id can name nothing, and PostgreSQL would refuse it as a query parameter — a 500.
 * Bodies and queries are parsed with their zod schemas, whose strings are contracts
 * `safeString`s; a path parameter has no schema, so this pipe is its check. Registered
 * globally, so a route added later has it too.
 */
@Injectable()
export class SafePathParamsPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param' || typeof value !== 'string') return value;
    const problem = unsafeCharacterIn(value);
    if (!problem) return value;
    const field = `path.${metadata.data ?? '(params)'}`;
    return fail(400, `${field}: ${problem}`, [{ field, message: problem }]);
  }
}
