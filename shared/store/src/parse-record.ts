// Parse a record read back from a store with its schema; failure is a CorruptRecordError.
import type { z } from 'zod';
import { CorruptRecordError } from './errors.ts';

export function parseRecord<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CorruptRecordError(`${what}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
