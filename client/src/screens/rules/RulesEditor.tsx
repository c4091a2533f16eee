// The rules of a collaboration, built with a form (when, only if, then) over the stored rules, with
// the JSON as an advanced view. A rule the form cannot show exactly stays as it is and is edited in
// the JSON view. Both views check with the server's own checks before saving.
import { useMemo, useState } from 'react';
import { newId, RuleDefinition } from '@trellis/schema';
import { HiddenLabel } from '../../components/HiddenLabel.tsx';
import { describedBy, NeedsServer } from '../../components/NeedsServer.tsx';
import { Empty, ErrorText, Loading } from '../../components/States.tsx';
import { useToast } from '../../components/Toasts.tsx';
import type { CollabView } from '../collab-view.ts';
import { formToRule, newRuleForm, ruleToForm } from './rule-form.ts';
import type { RuleForm } from './rule-form.ts';
import { RawRuleCard, RuleCard } from './RuleCard.tsx';
import { checkRules, checkRulesText, formProblems } from './rules-check.ts';
import type { RulesCheck } from './rules-check.ts';
import { useFocusLater } from './useFocusLater.ts';
import { useRules } from './useRules.ts';
import './rules.css';

const MAX_RULES = 50;
const NO_PROBLEMS: ReadonlyMap<string, string> = new Map();

const EXAMPLE = [
  {
    id: 'thank-on-done',
    name: 'Say thanks when an activity is done',
    trigger: 'activityStatusChanged',
    condition: { '==': [{ var: 'to' }, 'done'] },
    actions: [{ action: 'sendMessage', params: { body: 'Nice work, that one is done!' } }],
  },
];

/** A rule on screen: as a form, or (when the form cannot show it) as the stored JSON. */
type Entry = { key: number; form: RuleForm } | { key: number; raw: unknown };

let nextKey = 0;
function toEntry(rule: unknown): Entry {
  const parsed = RuleDefinition.safeParse(rule);
  const form = parsed.success ? ruleToForm(parsed.data) : null;
  return form ? { key: nextKey++, form } : { key: nextKey++, raw: rule };
}
const entryRule = (e: Entry): unknown => ('form' in e ? formToRule(e.form) : e.raw);

export function RulesEditor({ view }: { view: CollabView }) {
  const { rules, error, saving, save } = useRules(view.collabId);
  if (rules === null) return <Loading label="Loading the rules…" />;
  return <RulesWorkbench view={view} initial={rules} error={error} saving={saving} save={save} />;
}

interface WorkbenchProps {
  view: CollabView;
  initial: unknown[];
  error: string;
  saving: boolean;
  save: (rules: RuleDefinition[], onSaved: () => void) => Promise<void>;
}

function RulesWorkbench({ view, initial, error, saving, save }: WorkbenchProps) {
  const toast = useToast();
  const focusLater = useFocusLater();
  const [entries, setEntries] = useState<Entry[]>(() => initial.map(toEntry));
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [text, setText] = useState('');
  const [showProblems, setShowProblems] = useState(false);
  const [saveErrors, setSaveErrors] = useState<string[]>([]);
  const owner = view.isOwner;

  const problems = useMemo(() => new Map(entries.map((e) => [e.key, 'form' in e ? formProblems(e.form) : NO_PROBLEMS])), [entries]);
  const jsonCheck = useMemo(() => (mode === 'json' ? checkRulesText(text) : null), [mode, text]);
  const errors = mode === 'json' && jsonCheck && !jsonCheck.ok ? jsonCheck.errors : saveErrors;

  const openJson = () => {
    setText(JSON.stringify(entries.map(entryRule), null, 2));
    setSaveErrors([]);
    setMode('json');
    focusLater('rules-json');
  };
  const openForm = () => {
    let list: unknown = null;
    try {
      list = JSON.parse(text);
    } catch {
      // Said below: the form needs a list.
    }
    if (!Array.isArray(list)) return setSaveErrors(['The JSON must be a list of rules before the form can show it.']);
    setEntries(list.map(toEntry));
    setSaveErrors([]);
    setMode('form');
    focusLater('rules-mode');
  };
  const update = (key: number, form: RuleForm) => setEntries((es) => es.map((e) => (e.key === key ? { key, form } : e)));
  const remove = (key: number) => {
    setEntries((es) => es.filter((e) => e.key !== key));
    focusLater('rules-add');
  };
  const add = () => {
    const key = nextKey++;
    setEntries((es) => [...es, { key, form: newRuleForm(newId('rule')) }]);
    focusLater(`rule-${key}-name`);
  };

  const submit = async () => {
    if (!view.server.available) return;
    let check: RulesCheck;
    if (mode === 'json') {
      check = checkRulesText(text);
    } else {
      const unfinished = entries.find((e) => (problems.get(e.key)?.size ?? 0) > 0);
      if (unfinished) {
        setShowProblems(true);
        const [field] = problems.get(unfinished.key)!.keys();
        focusLater(`rule-${unfinished.key}-${field}`);
        return setSaveErrors(['Some rules are not finished: see the fields marked below.']);
      }
      check = checkRules(entries.map(entryRule));
    }
    if (!check.ok) return setSaveErrors(check.errors);
    setSaveErrors([]);
    await save(check.value, () => toast('success', 'Rules saved.'));
  };

  return (
    <section className="card rules" aria-labelledby="rules-title">
      <div className="rules-title">
        <h2 id="rules-title">Rules</h2>
        <button type="button" id="rules-mode" className="ghost small" onClick={mode === 'form' ? openJson : openForm}>
          {mode === 'form' ? 'Edit as JSON (advanced)' : 'Back to the form'}
        </button>
      </div>
      <p className="hint">A rule does something for you when something happens: when an event comes, if its conditions hold, it takes its actions. Rules act with at most the rights of the owner who wrote them.</p>
      {mode === 'form' ? (
        <div className="rule-list">
          {entries.length === 0 && <Empty>No rules yet.</Empty>}
          {entries.map((e, i) =>
            'form' in e ? (
              <RuleCard key={e.key} form={e.form} position={i + 1} idBase={`rule-${e.key}`} readOnly={!owner} problems={showProblems ? (problems.get(e.key) ?? NO_PROBLEMS) : NO_PROBLEMS} onChange={(f) => update(e.key, f)} onDelete={() => remove(e.key)} focusLater={focusLater} />
            ) : (
              <RawRuleCard key={e.key} rule={e.raw} position={i + 1} canEdit={owner} onEditJson={openJson} onDelete={() => remove(e.key)} />
            ),
          )}
          {owner && entries.length < MAX_RULES && (
            <div>
              <button type="button" id="rules-add" onClick={add}>
                Add a rule
              </button>
            </div>
          )}
        </div>
      ) : (
        <>
          <HiddenLabel htmlFor="rules-json">Rules JSON</HiddenLabel>
          <textarea id="rules-json" className="code" rows={14} spellCheck={false} value={text} readOnly={!owner} onChange={(e) => setText(e.target.value)} aria-invalid={jsonCheck?.ok === false} aria-describedby="rules-errors" />
        </>
      )}
      <div id="rules-errors">
        {errors.length > 0 && (
          <ul className="errors" role="alert" data-testid="rules-errors">
            {errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        )}
      </div>
      {owner && (
        <div className="row wrap">
          <button type="button" className="primary" onClick={() => void submit()} disabled={saving || jsonCheck?.ok === false || !view.server.available} aria-describedby={describedBy('rules-needs-server', view.server)}>
            {saving ? 'Saving…' : 'Save rules'}
          </button>
          {mode === 'json' && text.trim() === '[]' && (
            <button type="button" className="ghost" onClick={() => setText(JSON.stringify(EXAMPLE, null, 2))}>
              Insert an example
            </button>
          )}
        </div>
      )}
      {owner && <NeedsServer id="rules-needs-server" what="Saving rules" availability={view.server} />}
      <ErrorText>{error}</ErrorText>
    </section>
  );
}
