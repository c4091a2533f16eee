// Rules as data: a trigger, a json-logic condition, and actions run through the engine as actor `rule`.
import { z } from 'zod';
import { ContentActionName } from './action-catalogue.ts';

export const RuleTrigger = z.enum(['activityStatusChanged', 'messageCreated', 'checkinCompleted', 'approvalDecided', 'memberAdded']);
export type RuleTrigger = z.infer<typeof RuleTrigger>;

const jsonLogic: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string().max(2000), z.number(), z.boolean(), z.null(), z.array(jsonLogic).max(50), z.record(z.string().max(64), jsonLogic)]),
);

export const RuleAction = z.strictObject({
  action: ContentActionName,
  /** Params may reference the event with {"var": "..."} json-logic expressions, evaluated before validation. */
  params: z.record(z.string().max(64), jsonLogic),
});

export const RuleDefinition = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  name: z.string().min(1).max(200),
  enabled: z.boolean().default(true),
  trigger: RuleTrigger,
  condition: jsonLogic.default(true),
  actions: z.array(RuleAction).min(1).max(5),
  /** The owner who wrote the rule; rules run with at most that person's rights. */
  authorId: z.string().max(64).optional(),
});
export type RuleDefinition = z.infer<typeof RuleDefinition>;
