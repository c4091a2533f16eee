// "Only if": the conditions of one rule, each "<what> <is / is not / contains> <value>", combined by
// all or any. With none the rule runs every time.
import type { RuleTrigger } from '@trellis/schema';
import { HiddenLabel } from '../../components/HiddenLabel.tsx';
import { fieldOf, newComparison } from './rule-form.ts';
import type { Comparison, RuleForm } from './rule-form.ts';
import { OP_LABEL, opsFor, TRIGGER_FIELDS } from './rule-words.ts';
import type { CompareOp } from './rule-words.ts';

interface Props {
  form: RuleForm;
  idBase: string;
  onChange: (next: Pick<RuleForm, 'match' | 'conditions'>) => void;
  /** Moves focus to the control with this id once the change is on screen. */
  focusLater: (id: string) => void;
}

/** The comparison with another field: the operator and value kept when they still fit. */
function withField(trigger: RuleTrigger, c: Comparison, path: string): Comparison {
  const field = fieldOf(trigger, path)!;
  const op = opsFor(field).includes(c.op) ? c.op : 'is';
  const fits = field.choices ? field.choices.some((ch) => ch.value === c.value) : !fieldOf(trigger, c.field)?.choices;
  return { field: path, op, value: fits ? c.value : (field.choices?.[0]?.value ?? '') };
}

export function ConditionsEditor({ form, idBase, onChange, focusLater }: Props) {
  const { conditions, match, trigger } = form;
  const set = (i: number, c: Comparison) => onChange({ match, conditions: conditions.map((x, j) => (j === i ? c : x)) });
  const add = () => {
    onChange({ match, conditions: [...conditions, newComparison(trigger)] });
    focusLater(`${idBase}-cond-${conditions.length}-field`);
  };
  const remove = (i: number) => {
    onChange({ match, conditions: conditions.filter((_, j) => j !== i) });
    focusLater(`${idBase}-add-cond`);
  };

  return (
    <fieldset className="rule-part">
      <legend>Only if</legend>
      {conditions.length === 0 && <p className="hint">No conditions: the rule runs every time.</p>}
      {conditions.length >= 2 && (
        <div className="field">
          <label htmlFor={`${idBase}-match`}>Run when</label>
          <select id={`${idBase}-match`} value={match} onChange={(e) => onChange({ match: e.target.value === 'any' ? 'any' : 'all', conditions })}>
            <option value="all">all of these are true</option>
            <option value="any">any of these is true</option>
          </select>
        </div>
      )}
      {conditions.length > 0 && (
        <ol className="rule-rows">
          {conditions.map((c, i) => {
            const field = fieldOf(trigger, c.field)!;
            const id = `${idBase}-cond-${i}`;
            const n = i + 1;
            return (
              <li key={i} className="rule-cond">
                <HiddenLabel htmlFor={`${id}-field`}>{`Condition ${n}: what to check`}</HiddenLabel>
                <select id={`${id}-field`} value={c.field} onChange={(e) => set(i, withField(trigger, c, e.target.value))}>
                  {TRIGGER_FIELDS[trigger].map((f) => (
                    <option key={f.path} value={f.path}>
                      {f.label}
                    </option>
                  ))}
                </select>
                <HiddenLabel htmlFor={`${id}-op`}>{`Condition ${n}: comparison`}</HiddenLabel>
                <select id={`${id}-op`} value={c.op} onChange={(e) => set(i, { ...c, op: e.target.value as CompareOp })}>
                  {opsFor(field).map((op) => (
                    <option key={op} value={op}>
                      {OP_LABEL[op]}
                    </option>
                  ))}
                </select>
                <HiddenLabel htmlFor={`${id}-value`}>{`Condition ${n}: value`}</HiddenLabel>
                {field.choices ? (
                  <select id={`${id}-value`} value={c.value} onChange={(e) => set(i, { ...c, value: e.target.value })}>
                    {field.choices.map((ch) => (
                      <option key={ch.value} value={ch.value}>
                        {ch.label}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input id={`${id}-value`} value={c.value} maxLength={2000} onChange={(e) => set(i, { ...c, value: e.target.value })} />
                )}
                <button type="button" className="ghost small" onClick={() => remove(i)}>
                  Remove<span className="sr-only">{` condition ${n}`}</span>
                </button>
              </li>
            );
          })}
        </ol>
      )}
      <button type="button" id={`${idBase}-add-cond`} className="small" onClick={add}>
        Add a condition
      </button>
    </fieldset>
  );
}
