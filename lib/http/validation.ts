import type { ZodError } from 'zod';
import { BrookError } from '../errors';

/** "partitions_count: expected number, received string; ..." — where and what, for a 4xx message. */
export function formatIssues(error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
    .join('; ');
}

/** Parse with a schema, turning failures into INVALID_REQUEST naming the field. */
export function parseWith<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } }, value: unknown, where = ''): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new BrookError('INVALID_REQUEST', `${where}${formatIssues(result.error)}`);
  return result.data;
}
