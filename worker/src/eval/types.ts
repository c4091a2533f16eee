// The evaluation harness's vocabulary: a fixture collaboration (a small team's document, members and
// policy), what a scripted model answers for it, and the verdict each proposed action must get.
import type { ActivityStatus, PolicyOverrides, Role } from '@trellis/schema';

/** A proposal's fate as the digest records it, with the refusal's code. */
export type Verdict =
  | 'executed'
  | 'pending_approval'
  | `refused:${'too_many' | 'malformed' | 'unknown_action' | 'governance' | 'duplicate' | 'bad_request' | 'forbidden' | 'not_found' | 'conflict' | 'other'}`;

export interface FixtureMessage {
  /** A member's user id, or `ai`. */
  from: string;
  body: string;
  /** Hours before the evaluation's start. */
  hoursAgo: number;
}

export interface FixtureActivity {
  id: string;
  title: string;
  status: ActivityStatus;
  /** Scheduled time, hours from now (negative: in the past). */
  atHours?: number;
  createdHoursAgo: number;
  cancelReason?: string;
}

/** One action a scripted model proposes, with the verdict the engine must give it. */
export interface ScriptedAction {
  raw: unknown;
  expect: Verdict;
}

export interface ScriptedEntry {
  collaborationId: string;
  summary: string;
  actions: ScriptedAction[];
}

export interface FixtureScript {
  /** This collaboration's entry; absent: the scripted model leaves it out of its answer. */
  entry: ScriptedAction[];
  summary: string;
  /** Answer its first request with an invalid entry (no summary), so it is asked again. */
  invalidFirst?: boolean;
  /** More entries the model adds: a second one for this collaboration, or one for another. */
  extraEntries?: ScriptedEntry[];
}

export interface EvalFixture {
  id: string;
  title: string;
  timeZone: string;
  owner: string;
  /** Other members in joining order. */
  members: Record<string, Role>;
  policy: PolicyOverrides;
  messages: FixtureMessage[];
  activities: FixtureActivity[];
  notes: string;
  /** Adversarial: what the fixture tries to make the AI do. */
  attack?: string;
  /** Seeded in the store but never put in a batch: nothing may ever touch it. */
  outsideBatch?: boolean;
  /** A check-in before today saw everything seeded: nothing is new. */
  seenBefore?: boolean;
  /** What the offline (scripted) model answers. */
  script: FixtureScript;
}
