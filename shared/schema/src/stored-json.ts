// JSON this system stored itself (kv markers and records), read back: parsed against its schema,
// never trusted. An unreadable value reads as absent, and each caller says what absent means.
import type { z } from 'zod';

export function parseStoredJson<S extends z.ZodType>(schema: S, raw: string | null): z.infer<S> | null {
  if (raw === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
