// The one policy function: (actor kind, action, collaboration overrides) → allow / approval / deny.
// Server REST, the CRDT gate, rules, approvals and the worker all ask this function.
import { CONTENT_POLICY_DEFAULTS } from './action-catalogue.ts';
import type { ActionName } from './actions.ts';
import { isContentAction } from './actions.ts';
import type { Decision, PolicyOverrides } from './policy-schema.ts';
import type { ActorKind } from './role.ts';

/** The content actions' defaults (from the catalogue), as the policy routes and the editor show them. */
export const DEFAULT_POLICY = CONTENT_POLICY_DEFAULTS;

/** [G1] governance is owner-only and never runs for the AI, whatever the overrides say. */
export function decide(kind: ActorKind, action: ActionName, overrides: PolicyOverrides = {}): Decision {
  if (!isContentAction(action)) return kind === 'owner' ? 'allow' : 'deny';
  if (kind === 'viewer') return 'deny';
  const base = CONTENT_POLICY_DEFAULTS[action][kind];
  const override = overrides[action]?.[kind];
  if (override === undefined) return base;
  // The AI can be restricted by an owner but never given approval-free rights it lacks by default
  // beyond "allow" on content; owners themselves cannot be denied their own content actions.
  if (kind === 'owner') return 'allow';
  return override;
}

/** The stricter of two decisions (a rule never has more rights than its author). */
export function stricter(a: Decision, b: Decision): Decision {
  const rank = { allow: 0, approval: 1, deny: 2 } as const;
  return rank[a] >= rank[b] ? a : b;
}
