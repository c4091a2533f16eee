// Member roles and the actor kinds the policy speaks about.
import { z } from 'zod';

export const Role = z.enum(['owner', 'editor', 'viewer']);
export type Role = z.infer<typeof Role>;

/** Who runs an action: a person in a role, the nightly/mention AI, a rule, or the system itself. */
export const ActorKind = z.enum(['owner', 'editor', 'viewer', 'ai', 'rule']);
export type ActorKind = z.infer<typeof ActorKind>;

export const Actor = z.object({
  kind: z.enum(['user', 'ai', 'rule', 'system']),
  userId: z.string().max(64).optional(),
  /** For rules: the rule id; for AI: the run id. */
  ref: z.string().max(128).optional(),
});
export type Actor = z.infer<typeof Actor>;
