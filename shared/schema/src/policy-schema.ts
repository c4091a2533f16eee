// Policy data: per action, per actor kind, a decision. Stored per collaboration as overrides.
import { z } from 'zod';
import { ContentActionName } from './action-catalogue.ts';
import { ActorKind } from './role.ts';

export const Decision = z.enum(['allow', 'approval', 'deny']);
export type Decision = z.infer<typeof Decision>;

/** Owners may tune content actions only; governance stays owner-only whatever the overrides say. */
export const PolicyOverrides = z.partialRecord(ContentActionName, z.partialRecord(ActorKind, Decision));
export type PolicyOverrides = z.infer<typeof PolicyOverrides>;
