// A stored rule as the builder's form and back. The form expresses a subset of rules: conditions
// that compare one event field with a value (all or any of them), and the actions of
// `BUILDER_ACTIONS` with text params or "that activity". `ruleToForm` returns null for anything
// else, so such a rule is shown as JSON and never silently rewritten: for every rule r,
// `ruleToForm(r)` is null or `formToRule(ruleToForm(r))` equals r.
import type { ContentAction, RuleDefinition, RuleTrigger } from '@trellis/schema';
import { actionsFor, BUILDER_ACTIONS, EVENT_ACTIVITY, opsFor, TRIGGER_FIELDS } from './rule-words.ts';
import type { CompareOp, EventField } from './rule-words.ts';

export interface Comparison {
  field: string;
  op: CompareOp;
  value: string;
}

export interface FormAction {
  action: ContentAction;
  /** The text params the person wrote, by key; an optional one left empty is not in the rule. */
  text: Record<string, string>;
}

export interface RuleForm {
  id: string;
  name: string;
  enabled: boolean;
  authorId?: string;
  trigger: RuleTrigger;
  /** How several conditions combine; with fewer than two it has no effect. */
  match: 'all' | 'any';
  conditions: Comparison[];
  actions: FormAction[];
}

type Logic = unknown;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{op: args}` with exactly one key, as json-logic writes an operation. */
function operation(v: unknown): [op: string, args: unknown] | null {
  if (!isRecord(v)) return null;
  const keys = Object.keys(v);
  return keys.length === 1 ? [keys[0]!, v[keys[0]!]] : null;
}

function varPath(v: unknown): string | null {
  const op = operation(v);
  return op && op[0] === 'var' && typeof op[1] === 'string' ? op[1] : null;
}

export function fieldOf(trigger: RuleTrigger, path: string): EventField | undefined {
  return TRIGGER_FIELDS[trigger].find((f) => f.path === path);
}

function comparisonFrom(trigger: RuleTrigger, logic: Logic): Comparison | null {
  const op = operation(logic);
  if (!op || !Array.isArray(op[1]) || op[1].length !== 2) return null;
  const [a, b] = op[1] as [unknown, unknown];
  const shape: [CompareOp, unknown, unknown] | null = op[0] === '==' ? ['is', a, b] : op[0] === '!=' ? ['isNot', a, b] : op[0] === 'in' ? ['contains', b, a] : null;
  if (!shape) return null;
  const [cmp, subject, value] = shape;
  const path = varPath(subject);
  const field = path === null ? undefined : fieldOf(trigger, path);
  if (!field || typeof value !== 'string' || !opsFor(field).includes(cmp)) return null;
  if (field.choices && !field.choices.some((c) => c.value === value)) return null;
  return { field: field.path, op: cmp, value };
}

function comparisonLogic(c: Comparison): Logic {
  const subject = { var: c.field };
  switch (c.op) {
    case 'is':
      return { '==': [subject, c.value] };
    case 'isNot':
      return { '!=': [subject, c.value] };
    case 'contains':
      return { in: [c.value, subject] };
  }
}

function conditionFrom(trigger: RuleTrigger, logic: Logic): Pick<RuleForm, 'match' | 'conditions'> | null {
  if (logic === true) return { match: 'all', conditions: [] };
  const op = operation(logic);
  if (op && (op[0] === 'and' || op[0] === 'or') && Array.isArray(op[1]) && op[1].length >= 2) {
    const conditions = op[1].map((c) => comparisonFrom(trigger, c));
    if (conditions.some((c) => c === null)) return null;
    return { match: op[0] === 'and' ? 'all' : 'any', conditions: conditions as Comparison[] };
  }
  const single = comparisonFrom(trigger, logic);
  return single ? { match: 'all', conditions: [single] } : null;
}

function conditionLogic(form: RuleForm): Logic {
  if (form.conditions.length === 0) return true;
  if (form.conditions.length === 1) return comparisonLogic(form.conditions[0]!);
  return { [form.match === 'all' ? 'and' : 'or']: form.conditions.map(comparisonLogic) };
}

function actionFrom(trigger: RuleTrigger, action: RuleDefinition['actions'][number]): FormAction | null {
  const spec = BUILDER_ACTIONS[action.action];
  if (!spec || !actionsFor(trigger).includes(action.action)) return null;
  const known = new Set([...spec.text.map((p) => p.key), ...(spec.onEventActivity ? [EVENT_ACTIVITY] : [])]);
  if (Object.keys(action.params).some((k) => !known.has(k))) return null;
  if (spec.onEventActivity && varPath(action.params[EVENT_ACTIVITY]) !== EVENT_ACTIVITY) return null;
  const text: Record<string, string> = {};
  for (const p of spec.text) {
    const v = action.params[p.key];
    if (v === undefined && p.optional) continue;
    // An optional param written as "" would vanish on the way back: such a rule stays JSON.
    if (typeof v !== 'string' || (p.optional && v === '')) return null;
    text[p.key] = v;
  }
  return { action: action.action, text };
}

function actionRule(a: FormAction): RuleDefinition['actions'][number] {
  const spec = BUILDER_ACTIONS[a.action];
  const params: Record<string, unknown> = spec?.onEventActivity ? { [EVENT_ACTIVITY]: { var: EVENT_ACTIVITY } } : {};
  for (const p of spec?.text ?? []) {
    const v = a.text[p.key] ?? '';
    if (!(p.optional && v === '')) params[p.key] = v;
  }
  return { action: a.action, params };
}

/** The form for a stored rule, or null when the form cannot express it exactly. */
export function ruleToForm(rule: RuleDefinition): RuleForm | null {
  const condition = conditionFrom(rule.trigger, rule.condition);
  if (!condition) return null;
  const actions = rule.actions.map((a) => actionFrom(rule.trigger, a));
  if (actions.some((a) => a === null)) return null;
  return {
    id: rule.id,
    name: rule.name,
    enabled: rule.enabled,
    ...(rule.authorId !== undefined ? { authorId: rule.authorId } : {}),
    trigger: rule.trigger,
    ...condition,
    actions: actions as FormAction[],
  };
}

export function formToRule(form: RuleForm): RuleDefinition {
  return {
    id: form.id,
    name: form.name,
    enabled: form.enabled,
    ...(form.authorId !== undefined ? { authorId: form.authorId } : {}),
    trigger: form.trigger,
    condition: conditionLogic(form),
    actions: form.actions.map(actionRule),
  };
}

/** The form switched to another event: conditions on fields the event lacks and actions it cannot
 *  take are dropped (a rule keeps at least one action: a message). */
export function withTrigger(form: RuleForm, trigger: RuleTrigger): RuleForm {
  const conditions = form.conditions.filter((c) => fieldOf(trigger, c.field) !== undefined);
  const actions = form.actions.filter((a) => actionsFor(trigger).includes(a.action));
  return { ...form, trigger, conditions, actions: actions.length > 0 ? actions : [newAction('sendMessage')] };
}

export function newAction(action: ContentAction): FormAction {
  const text: Record<string, string> = {};
  for (const p of BUILDER_ACTIONS[action]?.text ?? []) text[p.key] = '';
  return { action, text };
}

export function newComparison(trigger: RuleTrigger): Comparison {
  const field = TRIGGER_FIELDS[trigger][0]!;
  return { field: field.path, op: 'is', value: field.choices?.[0]?.value ?? '' };
}

export function newRuleForm(id: string): RuleForm {
  return { id, name: '', enabled: true, trigger: 'activityStatusChanged', match: 'all', conditions: [], actions: [newAction('sendMessage')] };
}
