// Membership of a user in a collaboration, with its role.
import { z } from 'zod';
import { idString } from './ids.ts';
import { Role } from './role.ts';

export const Membership = z.object({
  collaborationId: idString,
  userId: idString,
  role: Role,
  addedAt: z.string(),
  addedBy: idString.nullable(),
});
export type Membership = z.infer<typeof Membership>;

export const AddMemberBody = z.strictObject({ userId: idString, role: Role });
export const ChangeMemberBody = z.strictObject({ role: Role });
