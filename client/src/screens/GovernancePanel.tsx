// Rules and policy of one collaboration.
import type { CollabView } from './collab-view.ts';
import { PolicyEditor } from './PolicyEditor.tsx';
import { RulesEditor } from './rules/RulesEditor.tsx';

export function GovernancePanel({ view }: { view: CollabView }) {
  return (
    <div className="governance">
      {!view.isOwner && <p className="hint">Only the owner can change rules and policy.</p>}
      <PolicyEditor view={view} />
      <RulesEditor view={view} />
    </div>
  );
}
