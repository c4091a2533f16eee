// Every named action and the schema of its params: the content actions of the catalogue
// (action-catalogue.ts), which edit the collaboration document, and the governance actions, which
// change the store and are never open to the AI.
import { z } from 'zod';
import { CONTENT_ACTIONS, contentActionParams } from './action-catalogue.ts';
import type { ContentAction } from './action-catalogue.ts';
import { CreateCollaborationBody, UpdateCollaborationBody } from './collaboration.ts';
import { idString } from './ids.ts';
import { Role } from './role.ts';
import { PolicyOverrides } from './policy-schema.ts';
import { RuleDefinition } from './rule.ts';

const governanceActionParams = {
  addMember: z.strictObject({ userId: idString, role: Role }),
  changeRole: z.strictObject({ userId: idString, role: Role }),
  removeMember: z.strictObject({ userId: idString }),
  setPolicy: z.strictObject({ policy: PolicyOverrides }),
  setRules: z.strictObject({ rules: z.array(RuleDefinition).max(50) }),
  // Creating a collaboration is run before it exists (the engine's `createCollaboration`), as its
  // future owner; its title and settings change through `updateCollaboration` [G2].
  createCollaboration: CreateCollaborationBody,
  updateCollaboration: UpdateCollaborationBody,
} as const;

export const actionParams = { ...contentActionParams, ...governanceActionParams } as const;

export type ActionName = keyof typeof actionParams;
export type ActionParams<N extends ActionName> = z.infer<(typeof actionParams)[N]>;

export type GovernanceAction = keyof typeof governanceActionParams;
export const GOVERNANCE_ACTIONS = Object.keys(governanceActionParams) as [GovernanceAction, ...GovernanceAction[]];

export const ActionName = z.enum([...CONTENT_ACTIONS, ...GOVERNANCE_ACTIONS]);

export function isActionName(name: string): name is ActionName {
  return Object.prototype.hasOwnProperty.call(actionParams, name);
}

export function isContentAction(name: ActionName): name is ContentAction {
  return Object.prototype.hasOwnProperty.call(contentActionParams, name);
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
