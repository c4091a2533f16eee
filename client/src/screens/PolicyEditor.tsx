// The policy table: per content action and actor kind, allow / needs approval / deny. Owners are
// always allowed; only the owner edits.
import { useEffect, useState } from 'react';
import { CONTENT_ACTIONS, DEFAULT_POLICY, PolicyOverrides } from '@trellis/schema';
import type { ContentAction, Decision } from '@trellis/schema';
import { describeError } from '../api/api-error.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { cancellableThen } from '../api/cancellable-then.ts';
import { describedBy, NeedsServer } from '../components/NeedsServer.tsx';
import { ErrorText, Loading } from '../components/States.tsx';
import { useToast } from '../components/Toasts.tsx';
import { actionLabel } from '../text/format.ts';
import type { CollabView } from './collab-view.ts';
import { useBusyTask } from './useBusyTask.ts';

const KINDS = ['editor', 'viewer', 'ai', 'rule'] as const;
const KIND_LABEL: Record<(typeof KINDS)[number], string> = { editor: 'Editors', viewer: 'Viewers', ai: 'AI', rule: 'Rules' };
const DECISIONS: Decision[] = ['allow', 'approval', 'deny'];
const DECISION_LABEL: Record<Decision, string> = { allow: 'Allow', approval: 'Needs approval', deny: 'Deny' };

export function PolicyEditor({ view }: { view: CollabView }) {
  const api = useApi();
  const toast = useToast();
  const [policy, setPolicy] = useState<PolicyOverrides | null>(null);
  const [error, setError] = useState('');
  const { busy: saving, runTask } = useBusyTask(setError);

  useEffect(
    () =>
      cancellableThen(api.getPolicy(view.collabId), setPolicy, (err) => {
        setPolicy(view.policy);
        setError(describeError(err));
      }),
    [api, view.collabId, view.policy],
  );

  if (!policy) return <Loading label="Loading the policy…" />;

  const effective = (action: ContentAction, kind: (typeof KINDS)[number]): Decision =>
    kind === 'viewer' ? 'deny' : (policy[action]?.[kind] ?? DEFAULT_POLICY[action][kind]);

  const set = (action: string, kind: string, d: Decision) => {
    const next = structuredClone(policy) as Record<string, Record<string, Decision>>;
    next[action] = { ...(next[action] ?? {}), [kind]: d };
    setPolicy(next as PolicyOverrides);
  };

  const save = async () => {
    if (!view.server.available) return;
    const parsed = PolicyOverrides.safeParse(policy);
    if (!parsed.success) return setError('The policy is not valid.');
    await runTask(async () => {
      await api.putPolicy(view.collabId, parsed.data);
      toast('success', 'Policy saved.');
      view.reload();
    });
  };

  return (
    <section className="card" aria-labelledby="policy-title">
      <h2 id="policy-title">Policy</h2>
      <p className="hint">Who may do what. Owners may always act; membership, roles, rules and policy stay owner-only and never run for the AI.</p>
      <div className="table-scroll">
        <table className="table policy" data-testid="policy-table">
          <thead>
            <tr>
              <th scope="col">Action</th>
              {KINDS.map((k) => (
                <th key={k} scope="col">
                  {KIND_LABEL[k]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {CONTENT_ACTIONS.map((action) => (
              <tr key={action}>
                <th scope="row">{actionLabel(action)}</th>
                {KINDS.map((kind) => (
                  <td key={kind} data-label={KIND_LABEL[kind]}>
                    <select
                      aria-label={`${actionLabel(action)} — ${KIND_LABEL[kind]}`}
                      value={effective(action, kind)}
                      disabled={!view.isOwner || kind === 'viewer' || saving}
                      onChange={(e) => set(action, kind, e.target.value as Decision)}
                      className={`decision decision-${effective(action, kind)}`}
                    >
                      {DECISIONS.map((d) => (
                        <option key={d} value={d}>
                          {DECISION_LABEL[d]}
                        </option>
                      ))}
                    </select>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {view.isOwner && (
        <>
          <button type="button" className="primary" onClick={() => void save()} disabled={saving || !view.server.available} aria-describedby={describedBy('policy-needs-server', view.server)}>
            {saving ? 'Saving…' : 'Save policy'}
          </button>
          <NeedsServer id="policy-needs-server" what="Saving the policy" availability={view.server} />
        </>
      )}
      <ErrorText>{error}</ErrorText>
    </section>
  );
}
