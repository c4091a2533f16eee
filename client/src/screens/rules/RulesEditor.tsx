// Rules as JSON, validated against the rule schema before saving; errors are shown with their path.
import { useEffect, useMemo, useState } from 'react';
import { actionParams } from '@trellis/schema';
import { describeError } from '../api/api-error.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { cancellableThen } from '../api/cancellable-then.ts';
import { HiddenLabel } from '../components/HiddenLabel.tsx';
import { describedBy, NeedsServer } from '../components/NeedsServer.tsx';
import { ErrorText, Loading } from '../components/States.tsx';
import { useToast } from '../components/Toasts.tsx';
import type { CollabView } from './collab-view.ts';
import { useBusyTask } from './useBusyTask.ts';

const EXAMPLE = [
  {
    id: 'thank-on-done',
    name: 'Say thanks when an activity is done',
    trigger: 'activityStatusChanged',
    condition: { '==': [{ var: 'to' }, 'done'] },
    actions: [{ action: 'sendMessage', params: { body: 'Nice work, that one is done!' } }],
  },
];

export function validateRules(text: string): { ok: true; value: unknown } | { ok: false; errors: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`Not valid JSON: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const parsed = actionParams.setRules.safeParse({ rules: json });
  if (parsed.success) return { ok: true, value: json };
  return {
    ok: false,
    errors: parsed.error.issues.slice(0, 8).map((i) => {
      const [index, ...rest] = i.path.slice(1);
      const where = typeof index === 'number' ? `Rule ${index + 1}${rest.length ? `, ${rest.map(String).join('.')}` : ''}` : 'Rules';
      return `${where}: ${i.message}`;
    }),
  };
}

export function RulesEditor({ view }: { view: CollabView }) {
  const api = useApi();
  const toast = useToast();
  const [text, setText] = useState<string | null>(null);
  const [serverError, setServerError] = useState('');
  const { busy: saving, runTask } = useBusyTask(setServerError);

  useEffect(
    () =>
      cancellableThen(
        api.getRules(view.collabId),
        (rules) => setText(JSON.stringify(rules, null, 2)),
        (err) => {
          setText('[]');
          setServerError(describeError(err));
        },
      ),
    [api, view.collabId],
  );

  const validation = useMemo(() => (text === null ? null : validateRules(text)), [text]);
  if (text === null) return <Loading label="Loading the rules…" />;

  const save = async () => {
    if (!validation?.ok || !view.server.available) return;
    const rules = validation.value;
    await runTask(async () => {
      await api.putRules(view.collabId, rules);
      toast('success', 'Rules saved.');
    });
  };

  return (
    <section className="card" aria-labelledby="rules-title">
      <h2 id="rules-title">Rules</h2>
      <p className="hint">A list of rules: a trigger, a json-logic condition and up to five actions. Rules run with at most their author’s rights.</p>
      <HiddenLabel htmlFor="rules-json">Rules JSON</HiddenLabel>
      <textarea id="rules-json" className="code" rows={14} spellCheck={false} value={text} readOnly={!view.isOwner} onChange={(e) => setText(e.target.value)} aria-invalid={validation?.ok === false} aria-describedby="rules-errors" />
      <div id="rules-errors">
        {validation && !validation.ok && (
          <ul className="errors" role="alert" data-testid="rules-errors">
            {validation.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        )}
      </div>
      {view.isOwner && (
        <div className="row wrap">
          <button type="button" className="primary" onClick={() => void save()} disabled={saving || !validation?.ok || !view.server.available} aria-describedby={describedBy('rules-needs-server', view.server)}>
            {saving ? 'Saving…' : 'Save rules'}
          </button>
          {text.trim() === '[]' && (
            <button type="button" className="ghost" onClick={() => setText(JSON.stringify(EXAMPLE, null, 2))}>
              Insert an example
            </button>
          )}
        </div>
      )}
      {view.isOwner && <NeedsServer id="rules-needs-server" what="Saving rules" availability={view.server} />}
      <ErrorText>{serverError}</ErrorText>
    </section>
  );
}
