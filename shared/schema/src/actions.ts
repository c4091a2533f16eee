// The action catalog: every named action and the schema of its params. Content actions edit the
// collaboration document; governance actions change the store and are never open to the AI.
import { z } from 'zod';
import { idString } from './ids.ts';
import { Role } from './role.ts';
import { PolicyOverrides } from './policy-schema.ts';
import { RuleDefinition } from './rule.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

export const actionParams = {
  sendMessage: z.strictObject({ body: text(8000) }),
  proposeActivity: z.strictObject({ title: text(300), notes: z.string().max(4000).optional() }),
  scheduleActivity: z.strictObject({ activityId: idString, at: z.iso.datetime({ offset: true }) }),
  completeActivity: z.strictObject({ activityId: idString }),
  cancelActivity: z.strictObject({ activityId: idString, reason: z.string().max(1000).optional() }),
  addMember: z.strictObject({ userId: idString, role: Role }),
  changeRole: z.strictObject({ userId: idString, role: Role }),
  removeMember: z.strictObject({ userId: idString }),
  setPolicy: z.strictObject({ policy: PolicyOverrides }),
  setRules: z.strictObject({ rules: z.array(RuleDefinition).max(50) }),
} as const;

export type ActionName = keyof typeof actionParams;
export type ActionParams<N extends ActionName> = z.infer<(typeof actionParams)[N]>;

export const CONTENT_ACTIONS = ['sendMessage', 'proposeActivity', 'scheduleActivity', 'completeActivity', 'cancelActivity'] as const;
export type ContentAction = (typeof CONTENT_ACTIONS)[number];
export const GOVERNANCE_ACTIONS = ['addMember', 'changeRole', 'removeMember', 'setPolicy', 'setRules'] as const;
export type GovernanceAction = (typeof GOVERNANCE_ACTIONS)[number];

export const ActionName = z.enum([...CONTENT_ACTIONS, ...GOVERNANCE_ACTIONS]);

export function isActionName(name: string): name is ActionName {
  return Object.prototype.hasOwnProperty.call(actionParams, name);
}

export function isContentAction(name: ActionName): name is ContentAction {
  return (CONTENT_ACTIONS as readonly string[]).includes(name);
}

/** A typed, validated request to run one action. */
export type ActionRequest = { [N in ActionName]: { name: N; params: ActionParams<N> } }[ActionName];

export function parseActionRequest(name: string, params: unknown): { ok: true; value: ActionRequest } | { ok: false; message: string } {
  if (!isActionName(name)) return { ok: false, message: `unknown action "${name.slice(0, 64)}"` };
  const parsed = actionParams[name].safeParse(params ?? {});
  if (!parsed.success) return { ok: false, message: z.prettifyError(parsed.error) };
  return { ok: true, value: { name, params: parsed.data } as ActionRequest };
}

export const ActionBody = z.strictObject({ params: z.record(z.string(), z.unknown()).default({}), reason: z.string().max(2000).optional() });
