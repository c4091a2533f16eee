// Checks before rules are saved: the JSON view's text against the server's own checks (the setRules
// schema and `ruleSetProblem`), and the form's fields in words, next to the field at fault.
import { actionParams, ruleSetProblem } from '@trellis/schema';
import type { RuleDefinition } from '@trellis/schema';
import type { RuleForm } from './rule-form.ts';
import { BUILDER_ACTIONS } from './rule-words.ts';

export type RulesCheck = { ok: true; value: RuleDefinition[] } | { ok: false; errors: string[] };

/** A rule set as the server will judge it; errors name the rule by position. */
export function checkRules(rules: unknown): RulesCheck {
  const parsed = actionParams.setRules.safeParse({ rules });
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.slice(0, 8).map((i) => {
        const [index, ...rest] = i.path.slice(1);
        const where = typeof index === 'number' ? `Rule ${index + 1}${rest.length ? `, ${rest.map(String).join('.')}` : ''}` : 'Rules';
        return `${where}: ${i.message}`;
      }),
    };
  }
  const problem = ruleSetProblem(parsed.data.rules);
  if (problem) return { ok: false, errors: [`Rule ${problem.ruleIndex + 1}: ${problem.message}`] };
  return { ok: true, value: parsed.data.rules };
}

export function checkRulesText(text: string): RulesCheck {
  try {
    return checkRules(JSON.parse(text) as unknown);
  } catch (err) {
    return { ok: false, errors: [`Not valid JSON: ${err instanceof Error ? err.message : String(err)}`] };
  }
}

/** The fields of a form a person still has to fill in, by field key (see `fieldKey`). */
export function formProblems(form: RuleForm): Map<string, string> {
  const problems = new Map<string, string>();
  if (form.name.trim() === '') problems.set('name', 'Give the rule a name.');
  form.actions.forEach((a, i) => {
    for (const p of BUILDER_ACTIONS[a.action]?.text ?? []) {
      if (!p.optional && (a.text[p.key] ?? '').trim() === '') problems.set(fieldKey(i, p.key), `Write the ${p.label.toLowerCase()}.`);
    }
  });
  return problems;
}

export function fieldKey(actionIndex: number, param: string): string {
  return `action-${actionIndex}-${param}`;
}
