// The rules builder never changes a rule behind a person's back: every rule the form supports comes
// back from the form unchanged, and any other rule is either unchanged too or left to the JSON view.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RuleDefinition, RuleTrigger, ruleSetProblem } from '@trellis/schema';
import { formToRule, ruleToForm, withTrigger } from './rule-form.ts';
import { actionsFor, BUILDER_ACTIONS, opsFor, TRIGGER_FIELDS } from './rule-words.ts';

const word = fc.stringMatching(/^[A-Za-z][A-Za-z !,.']{0,30}$/);
const ruleId = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);

/** A comparison the builder supports, written out as json-logic. */
const comparison = (trigger: RuleTrigger) =>
  fc.constantFrom(...TRIGGER_FIELDS[trigger]).chain((field) =>
    fc.tuple(fc.constantFrom(...opsFor(field)), field.choices ? fc.constantFrom(...field.choices.map((c) => c.value)) : fc.string({ maxLength: 20 })).map(([op, value]) => {
      const subject = { var: field.path };
      return op === 'is' ? { '==': [subject, value] } : op === 'isNot' ? { '!=': [subject, value] } : { in: [value, subject] };
    }),
  );

const condition = (trigger: RuleTrigger) =>
  fc.oneof(
    fc.constant<unknown>(true),
    comparison(trigger),
    fc.tuple(fc.constantFrom('and', 'or'), fc.array(comparison(trigger), { minLength: 2, maxLength: 4 })).map(([op, cs]) => ({ [op]: cs })),
  );

const action = (trigger: RuleTrigger) =>
  fc.constantFrom(...actionsFor(trigger)).chain((name) => {
    const spec = BUILDER_ACTIONS[name]!;
    const text = spec.text.map((p) => (p.optional ? fc.option(word, { nil: undefined }) : word).map((v) => [p.key, v] as const));
    return fc.tuple(...text).map((pairs) => {
      const params: Record<string, unknown> = spec.onEventActivity ? { activityId: { var: 'activityId' } } : {};
      for (const [k, v] of pairs) if (v !== undefined) params[k] = v;
      return { action: name, params };
    });
  });

const supportedRule = fc.constantFrom(...RuleTrigger.options).chain((trigger) =>
  fc.record(
    {
      id: ruleId,
      name: word,
      enabled: fc.boolean(),
      authorId: ruleId,
      trigger: fc.constant(trigger),
      condition: condition(trigger),
      actions: fc.array(action(trigger), { minLength: 1, maxLength: 5 }),
    },
    { requiredKeys: ['id', 'name', 'enabled', 'trigger', 'condition', 'actions'] },
  ),
);

/** Near misses of the supported shapes, and plain json-logic the form does not try to show. */
const anyLogic: fc.Arbitrary<unknown> = fc.letrec<{ logic: unknown }>((tie) => ({
  logic: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom<unknown>(true, false, null, 1, 'done', { var: 'to' }, { var: ['to'] }, { var: 'activityId' }, { var: 'nope' }),
    fc.tuple(fc.constantFrom('==', '!=', 'in', '===', '>', 'and', 'or', '!', 'var', 'cat'), fc.array(tie('logic'), { maxLength: 3 })).map(([op, args]) => ({ [op]: args })),
    fc.dictionary(fc.constantFrom('==', 'in', 'var'), tie('logic'), { minKeys: 2, maxKeys: 2 }),
  ),
})).logic;

const anyRule = fc.record({
  id: ruleId,
  name: word,
  enabled: fc.boolean(),
  trigger: fc.constantFrom(...RuleTrigger.options),
  condition: anyLogic,
  actions: fc.array(
    fc.record({
      action: fc.constantFrom('sendMessage', 'proposeActivity', 'completeActivity', 'cancelActivity', 'reopenActivity', 'scheduleActivity'),
      params: fc.dictionary(fc.constantFrom('body', 'title', 'notes', 'reason', 'activityId', 'at', 'extra'), anyLogic, { maxKeys: 3 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

describe('rules builder form', () => {
  it('[G8] every rule the builder supports is valid and comes back from the form unchanged', () => {
    fc.assert(
      fc.property(supportedRule, (raw) => {
        const rule = RuleDefinition.parse(raw);
        expect(ruleSetProblem([rule])).toBeNull();
        const form = ruleToForm(rule);
        expect(form).not.toBeNull();
        expect(formToRule(form!)).toEqual(rule);
      }),
      { numRuns: 500 },
    );
  });

  it('[G8] any other rule is either unchanged by the form or left to the JSON view', () => {
    fc.assert(
      fc.property(anyRule, (raw) => {
        const parsed = RuleDefinition.safeParse(raw);
        fc.pre(parsed.success);
        const rule = parsed.data!;
        const form = ruleToForm(rule);
        if (form !== null) expect(formToRule(form)).toEqual(rule);
      }),
      { numRuns: 1000 },
    );
  });

  it('[G8] a rule switched to another event keeps only conditions and actions that event has', () => {
    fc.assert(
      fc.property(supportedRule, fc.constantFrom(...RuleTrigger.options), (raw, trigger) => {
        const form = withTrigger(ruleToForm(RuleDefinition.parse(raw))!, trigger);
        const back = ruleToForm(formToRule(form));
        expect(back).not.toBeNull();
        expect(back!.trigger).toBe(trigger);
        expect(back!.actions.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
