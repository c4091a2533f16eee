// Parse at the edge: every body, path param and query goes through a strict zod schema once, and a
// failure is a 400 naming the field, never a crash or a silently ignored key.
import type { Request } from 'express';
import { z } from 'zod';
import { idString, TrellisError } from '@trellis/schema';

export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'path'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? ` ${issue.path.map(String).join('.')}` : '';
  throw new TrellisError('bad_request', `invalid ${where}${field}: ${issue?.message ?? 'invalid'}`.slice(0, 300));
}

export const body = <S extends z.ZodType>(req: Request, schema: S): z.infer<S> => parse(schema, req.body ?? {}, 'body');
export const pathParams = <S extends z.ZodType>(req: Request, schema: S): z.infer<S> => parse(schema, req.params, 'path');

/** `?cursor=&limit=`: empty values mean "not given", as the contract's examples send them. */
export function query<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const raw = (req.query ?? {}) as Record<string, unknown>;
  const cleaned: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== '') cleaned[k] = v;
  return parse(schema, cleaned, 'query');
}

export const Cursor = z.string().regex(/^[A-Za-z0-9_:.-]{1,200}$/, 'malformed cursor');
export const pageShape = {
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
};
export const PageQuery = z.strictObject(pageShape);

export const CollabPath = z.strictObject({ id: idString });
export const MemberPath = z.strictObject({ id: idString, userId: idString });
export const ApprovalPath = z.strictObject({ id: idString });
