// Policy data: per action, per actor kind, a decision. Stored per collaboration as overrides.
import { z } from 'zod';
import { ActorKind } from './role.ts';

export const Decision = z.enum(['allow', 'approval', 'deny']);
export type Decision = z.infer<typeof Decision>;

const actionKey = z.enum(['sendMessage', 'proposeActivity', 'scheduleActivity', 'completeActivity', 'cancelActivity']);

/** Owners may tune content actions only; governance stays owner-only whatever the overrides say. */
export const PolicyOverrides = z.partialRecord(actionKey, z.partialRecord(ActorKind, Decision));
export type PolicyOverrides = z.infer<typeof PolicyOverrides>;
