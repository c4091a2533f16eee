// An invitation into a collaboration: bound to an email (claimed when a token carrying that email
// first arrives) or a link (a secret token, stored only as its hash). Uses are counted so a link is
// single-use unless its owner said otherwise; revoked or expired invites are kept for the record.
import { z } from 'zod';
import { idString } from './ids.ts';
import { Role } from './role.ts';

export const InviteKind = z.enum(['email', 'link']);
export type InviteKind = z.infer<typeof InviteKind>;

export const Invite = z.object({
  id: idString,
  collaborationId: idString,
  kind: InviteKind,
  role: Role,
  /** Email invites: the address, lower-cased. */
  email: z.string().max(320).nullable(),
  /** Link invites: sha256 (hex) of the token; the token itself is never stored. */
  tokenHash: z.string().max(64).nullable(),
  createdBy: idString,
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  maxUses: z.number().int().positive(),
  uses: z.number().int().nonnegative(),
  revokedAt: z.string().nullable(),
});
export type Invite = z.infer<typeof Invite>;

export const InviteByEmailBody = z.strictObject({ email: z.string().trim().toLowerCase().pipe(z.email().max(320)), role: Role });
export const CreateInviteBody = z.strictObject({
  role: Role,
  expiresInHours: z.number().int().min(1).max(24 * 30).optional(),
  maxUses: z.number().int().min(1).max(1000).optional(),
});
