// The action catalogue is the one list [G5]: policy keys, rule actions and prompts derive from it.
import { describe, expect, it } from 'vitest';
import { CONTENT_ACTIONS, CONTENT_POLICY_DEFAULTS, contentActionSignatures, ContentActionName } from './action-catalogue.ts';
import { ActionName, isContentAction } from './actions.ts';
import { PolicyOverrides } from './policy-schema.ts';
import { RuleDefinition } from './rule.ts';

describe('action catalogue', () => {
  it('[G5] every content action has defaults, is a policy key and a rule action', () => {
    expect(Object.keys(CONTENT_POLICY_DEFAULTS)).toEqual(CONTENT_ACTIONS);
    expect(ContentActionName.options).toEqual(CONTENT_ACTIONS);
    for (const name of CONTENT_ACTIONS) {
      expect(isContentAction(name)).toBe(true);
      expect(ActionName.safeParse(name).success).toBe(true);
      expect(PolicyOverrides.safeParse({ [name]: { editor: 'approval' } }).success).toBe(true);
      expect(RuleDefinition.safeParse({ id: 'r', name: 'r', trigger: 'messageCreated', actions: [{ action: name, params: {} }] }).success).toBe(true);
    }
    expect(PolicyOverrides.safeParse({ setRules: { editor: 'allow' } }).success).toBe(false);
    expect(isContentAction('setPolicy')).toBe(false);
  });

  it('[G5] prompt signatures list every action with its params', () => {
    const s = contentActionSignatures();
    expect(s).toContain('scheduleActivity {"activityId","at" (ISO 8601)}');
    expect(s).toContain('cancelActivity {"activityId","reason"?}');
    expect(s).toContain('reopenActivity {"activityId"}');
    expect(s.split('; ')).toHaveLength(CONTENT_ACTIONS.length);
  });
});
