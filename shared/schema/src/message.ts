// A message in the `messages` root.
import { z } from 'zod';

export const MessageKind = z.enum(['user', 'ai', 'system']);
export type MessageKind = z.infer<typeof MessageKind>;

export const Message = z.object({
  id: z.string(),
  authorId: z.string(),
  body: z.string(),
  createdAt: z.string(),
  kind: MessageKind,
  /** Set while an AI reply is still streaming in. */
  streaming: z.boolean().optional(),
});
export type Message = z.infer<typeof Message>;

/** `@handle` mentions in a message body; `@ai` is the assistant. */
export function mentionsIn(body: string): string[] {
  const out = new Set<string>();
  for (const m of body.matchAll(/(^|\s)@([A-Za-z0-9_.-]{1,64})/g)) out.add(m[2]!.toLowerCase());
  return [...out];
}
