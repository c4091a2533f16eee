// One rule as a form: its name, whether it is on, the event it waits for ("When"), its conditions
// ("Only if") and its actions ("Then"), read back as a sentence at the top.
import { RuleTrigger } from '@trellis/schema';
import { ActionsEditor } from './ActionsEditor.tsx';
import { ConditionsEditor } from './ConditionsEditor.tsx';
import { FieldError, invalidProps } from './FieldError.tsx';
import { withTrigger } from './rule-form.ts';
import type { RuleForm } from './rule-form.ts';
import { ruleSentence } from './rule-sentence.ts';
import { TRIGGER_LABEL } from './rule-words.ts';

interface Props {
  form: RuleForm;
  position: number;
  idBase: string;
  readOnly: boolean;
  problems: ReadonlyMap<string, string>;
  onChange: (form: RuleForm) => void;
  onDelete: () => void;
  focusLater: (id: string) => void;
}

export function RuleCard({ form, position, idBase, readOnly, problems, onChange, onDelete, focusLater }: Props) {
  const nameProblem = problems.get('name');
  const title = form.name.trim() || `Rule ${position}`;
  return (
    <fieldset className="rule-card" data-testid="rule-card" disabled={readOnly}>
      <legend>{title}</legend>
      <p className="rule-sentence">{ruleSentence(form)}</p>
      <div className="rule-head">
        <div className="field">
          <label htmlFor={`${idBase}-name`}>Rule name</label>
          <input id={`${idBase}-name`} value={form.name} maxLength={200} placeholder="Say thanks when something is done" onChange={(e) => onChange({ ...form, name: e.target.value })} {...invalidProps(`${idBase}-name-error`, nameProblem)} />
          <FieldError id={`${idBase}-name-error`} message={nameProblem} />
        </div>
        <div className="field field-check">
          <input id={`${idBase}-on`} type="checkbox" checked={form.enabled} onChange={(e) => onChange({ ...form, enabled: e.target.checked })} />
          <label htmlFor={`${idBase}-on`}>Rule is on</label>
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${idBase}-trigger`}>When</label>
        <select id={`${idBase}-trigger`} value={form.trigger} onChange={(e) => onChange(withTrigger(form, RuleTrigger.parse(e.target.value)))}>
          {RuleTrigger.options.map((t) => (
            <option key={t} value={t}>
              {TRIGGER_LABEL[t]}
            </option>
          ))}
        </select>
      </div>
      <ConditionsEditor form={form} idBase={idBase} focusLater={focusLater} onChange={(c) => onChange({ ...form, ...c })} />
      <ActionsEditor form={form} idBase={idBase} problems={problems} focusLater={focusLater} onChange={(actions) => onChange({ ...form, actions })} />
      <div className="row wrap">
        <button type="button" className="danger small" onClick={onDelete}>
          Delete rule<span className="sr-only">{` “${title}”`}</span>
        </button>
      </div>
    </fieldset>
  );
}

/** A stored rule the form cannot show exactly: named, and left to the JSON view. */
export function RawRuleCard({ rule, position, onEditJson, onDelete, canEdit }: { rule: unknown; position: number; onEditJson: () => void; onDelete: () => void; canEdit: boolean }) {
  const name = typeof rule === 'object' && rule !== null && 'name' in rule && typeof rule.name === 'string' && rule.name.trim() ? rule.name : `Rule ${position}`;
  return (
    <div className="rule-card rule-raw" data-testid="rule-card" role="group" aria-label={name}>
      <h3>{name}</h3>
      <p className="hint">This rule goes beyond what the form can show (its conditions or actions). Read and change it in the JSON view; saving here keeps it as it is.</p>
      <div className="row wrap">
        <button type="button" className="small" onClick={onEditJson}>
          Open the JSON view
        </button>
        {canEdit && (
          <button type="button" className="danger small" onClick={onDelete}>
            Delete rule<span className="sr-only">{` “${name}”`}</span>
          </button>
        )}
      </div>
    </div>
  );
}
