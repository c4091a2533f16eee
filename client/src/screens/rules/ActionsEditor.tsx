// "Then": the actions of one rule (one to five), each with the text it needs. Actions on "that
// activity" are offered only for events about an activity.
import type { ContentAction } from '@trellis/schema';
import { fieldKey } from './rules-check.ts';
import { FieldError, invalidProps } from './FieldError.tsx';
import { newAction } from './rule-form.ts';
import type { FormAction, RuleForm } from './rule-form.ts';
import { actionsFor, BUILDER_ACTIONS } from './rule-words.ts';

export const MAX_ACTIONS = 5;

interface Props {
  form: RuleForm;
  idBase: string;
  problems: ReadonlyMap<string, string>;
  onChange: (actions: FormAction[]) => void;
  focusLater: (id: string) => void;
}

export function ActionsEditor({ form, idBase, problems, onChange, focusLater }: Props) {
  const { actions } = form;
  const set = (i: number, a: FormAction) => onChange(actions.map((x, j) => (j === i ? a : x)));
  const add = () => {
    onChange([...actions, newAction('sendMessage')]);
    focusLater(`${idBase}-action-${actions.length}`);
  };
  const remove = (i: number) => {
    onChange(actions.filter((_, j) => j !== i));
    focusLater(`${idBase}-add-action`);
  };

  return (
    <fieldset className="rule-part">
      <legend>Then</legend>
      <ol className="rule-rows">
        {actions.map((a, i) => {
          const spec = BUILDER_ACTIONS[a.action];
          const id = `${idBase}-action-${i}`;
          return (
            <li key={i} className="rule-action">
              <div className="field">
                <label htmlFor={id}>{`Action ${i + 1}`}</label>
                <select id={id} value={a.action} onChange={(e) => set(i, newAction(e.target.value as ContentAction))}>
                  {actionsFor(form.trigger).map((name) => (
                    <option key={name} value={name}>
                      {BUILDER_ACTIONS[name]?.label}
                    </option>
                  ))}
                </select>
                {spec?.onEventActivity && <p className="hint">Acts on the activity whose status changed.</p>}
              </div>
              {spec?.text.map((p) => {
                const pid = `${id}-${p.key}`;
                const problem = problems.get(fieldKey(i, p.key));
                const common = { id: pid, value: a.text[p.key] ?? '', maxLength: 2000, ...invalidProps(`${pid}-error`, problem) };
                const onText = (value: string) => set(i, { ...a, text: { ...a.text, [p.key]: value } });
                return (
                  <div key={p.key} className="field">
                    <label htmlFor={pid}>{p.label}</label>
                    {p.multiline ? <textarea rows={2} {...common} onChange={(e) => onText(e.target.value)} /> : <input {...common} onChange={(e) => onText(e.target.value)} />}
                    <FieldError id={`${pid}-error`} message={problem} />
                  </div>
                );
              })}
              {actions.length > 1 && (
                <button type="button" className="ghost small" onClick={() => remove(i)}>
                  Remove<span className="sr-only">{` action ${i + 1}`}</span>
                </button>
              )}
            </li>
          );
        })}
      </ol>
      {actions.length < MAX_ACTIONS && (
        <button type="button" id={`${idBase}-add-action`} className="small" onClick={add}>
          Add an action
        </button>
      )}
    </fieldset>
  );
}
