// A user as mirrored from the identity provider on first sight.
import { z } from 'zod';
import { idString } from './ids.ts';

export const User = z.object({
  id: idString,
  email: z.string().max(320).nullable(),
  displayName: z.string().max(200),
  createdAt: z.string(),
});
export type User = z.infer<typeof User>;
