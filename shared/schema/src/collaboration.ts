// A collaboration: the shared space whose Y.Doc holds messages, activities and notes.
import { z } from 'zod';
import { idString } from './ids.ts';
import { PolicyOverrides } from './policy-schema.ts';
import { RuleDefinition } from './rule.ts';

export const CollaborationSettings = z.object({
  timeZone: z.string().min(1).max(64).refine(isTimeZone, 'unknown IANA time zone').default('UTC'),
  aiCheckins: z.boolean().default(true),
});
export type CollaborationSettings = z.infer<typeof CollaborationSettings>;

export const Collaboration = z.object({
  id: idString,
  title: z.string().min(1).max(200),
  ownerId: idString,
  settings: CollaborationSettings,
  policy: PolicyOverrides,
  rules: z.array(RuleDefinition),
  archived: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Collaboration = z.infer<typeof Collaboration>;

export const CreateCollaborationBody = z.strictObject({
  title: z.string().trim().min(1).max(200),
  settings: CollaborationSettings.partial().optional(),
});

export const UpdateCollaborationBody = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
  settings: z.strictObject({ timeZone: z.string().min(1).max(64).refine(isTimeZone, 'unknown IANA time zone').optional(), aiCheckins: z.boolean().optional() }).optional(),
  archived: z.boolean().optional(),
});

const knownZones = new Map<string, boolean>();

/** Whether `tz` is an IANA zone this runtime knows (memoised: building a formatter is slow). */
export function isTimeZone(tz: string): boolean {
  let ok = knownZones.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    if (knownZones.size < 1000) knownZones.set(tz, ok);
  }
  return ok;
}
