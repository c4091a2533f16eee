// Shapes of REST answers the screens read. Parsed loosely: the server may add fields.
import type { Approval, Checkin, Notification, PolicyOverrides, Role, RuleDefinition } from '@trellis/schema';

export interface CollaborationSummary {
  id: string;
  title: string;
  role?: Role;
  archived?: boolean;
  updatedAt?: string;
  createdAt?: string;
  ownerId?: string;
  policy?: PolicyOverrides;
  rules?: RuleDefinition[];
}

export interface Member {
  userId: string;
  role: Role;
  displayName?: string;
  email?: string | null;
  addedAt?: string;
}

export type ApprovalItem = Approval & { stale?: boolean; collaborationTitle?: string };
export type { Checkin, Notification };

export type ActionOutcome =
  | { kind: 'executed' }
  | { kind: 'pending'; approvalId: string | null };
