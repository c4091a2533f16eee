// The content action catalogue: every action that edits the collaboration document, with the schema
// of its params and its default policy. This is the one list: names, the policy's keys, rule actions,
// the engine's switch and the client's labels all derive from it, so adding an action is one entry
// here and the compiler points at every place that must handle it.
import { z } from 'zod';
import { idString } from './ids.ts';
import type { Decision } from './policy-schema.ts';
import type { ActorKind } from './role.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

export const contentActionParams = {
  sendMessage: z.strictObject({ body: text(8000) }),
  proposeActivity: z.strictObject({ title: text(300), notes: z.string().max(4000).optional() }),
  scheduleActivity: z.strictObject({ activityId: idString, at: z.iso.datetime({ offset: true }).describe('ISO 8601') }),
  completeActivity: z.strictObject({ activityId: idString }),
  cancelActivity: z.strictObject({ activityId: idString, reason: z.string().max(1000).optional() }),
  /** Brings a done or cancelled activity back: to `scheduled` when it has a time, else `proposed`. */
  reopenActivity: z.strictObject({ activityId: idString }),
} as const;

export type ContentAction = keyof typeof contentActionParams;

/** The names in catalogue order (as a non-empty tuple, for `z.enum`). */
export const CONTENT_ACTIONS = Object.keys(contentActionParams) as [ContentAction, ...ContentAction[]];
export const ContentActionName = z.enum(CONTENT_ACTIONS);

/** The default policy per content action (docs/API.md "Actions, policy and rules"); an owner's overrides refine it. */
export const CONTENT_POLICY_DEFAULTS: Readonly<Record<ContentAction, Readonly<Record<ActorKind, Decision>>>> = {
  sendMessage: { owner: 'allow', editor: 'allow', viewer: 'deny', ai: 'allow', rule: 'allow' },
  proposeActivity: { owner: 'allow', editor: 'allow', viewer: 'deny', ai: 'allow', rule: 'allow' },
  scheduleActivity: { owner: 'allow', editor: 'allow', viewer: 'deny', ai: 'approval', rule: 'allow' },
  completeActivity: { owner: 'allow', editor: 'allow', viewer: 'deny', ai: 'approval', rule: 'allow' },
  cancelActivity: { owner: 'allow', editor: 'allow', viewer: 'deny', ai: 'approval', rule: 'allow' },
  reopenActivity: { owner: 'allow', editor: 'allow', viewer: 'deny', ai: 'approval', rule: 'allow' },
};

/** How each content action is called, for prompts: `scheduleActivity {"activityId","at" (ISO 8601)}`;
 *  optional params are marked `?`. Derived from the params schemas, so it lists every action. */
export function contentActionSignatures(): string {
  return CONTENT_ACTIONS.map((name) => {
    const shape: Record<string, z.ZodType> = contentActionParams[name].shape;
    const params = Object.entries(shape).map(([key, schema]) => {
      const note = schema.description !== undefined ? ` (${schema.description})` : '';
      return `"${key}"${schema.safeParse(undefined).success ? '?' : ''}${note}`;
    });
    return `${name} {${params.join(',')}}`;
  }).join('; ');
}
