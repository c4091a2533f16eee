// A rule read out as one sentence, so a person sees what it does before reading its fields:
// "When an activity changes status, if its new status is Done: post a message."
import { fieldOf } from './rule-form.ts';
import type { Comparison, RuleForm } from './rule-form.ts';
import { BUILDER_ACTIONS, OP_LABEL, TRIGGER_LABEL } from './rule-words.ts';

const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function comparisonWords(form: RuleForm, c: Comparison): string {
  const field = fieldOf(form.trigger, c.field);
  const value = field?.choices?.find((ch) => ch.value === c.value)?.label ?? `“${c.value}”`;
  return `${lower(field?.label ?? c.field)} ${OP_LABEL[c.op]} ${value}`;
}

export function ruleSentence(form: RuleForm): string {
  const when = lower(TRIGGER_LABEL[form.trigger]);
  const conditions = form.conditions.map((c) => comparisonWords(form, c)).join(form.match === 'all' ? ' and ' : ' or ');
  const then = form.actions.map((a) => lower(BUILDER_ACTIONS[a.action]?.label ?? a.action)).join(', then ');
  return `When ${when}${conditions ? `, if ${conditions}` : ''}: ${then}.`;
}
