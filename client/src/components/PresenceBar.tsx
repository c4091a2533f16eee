// Who is in this collaboration now, and who is typing.
import type { PresencePeer } from '../sync/presence.ts';

export function PresenceBar({ peers }: { peers: PresencePeer[] }) {
  const typing = peers.filter((p) => p.typing && !p.self);
  return (
    <div className="presence" data-testid="presence">
      <ul className="avatars" aria-label="People here now">
        {peers.map((p) => (
          <li key={p.user.id} className="avatar" style={{ background: p.user.color }} title={`${p.user.name}${p.self ? ' (you)' : ''}${p.typing ? ` — ${p.activity ?? 'typing'}` : ''}`}>
            <span aria-hidden="true">{initials(p.user.name)}</span>
            <span className="sr-only">
              {p.user.name}
              {p.self ? ' (you)' : ''}
            </span>
          </li>
        ))}
      </ul>
      <span className="typing" aria-live="polite">
        {typing.length === 1 ? `${typing[0]?.user.name} is ${typing[0]?.activity ?? 'typing…'}` : typing.length > 1 ? `${typing.length} people are typing…` : ''}
      </span>
    </div>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/[\s._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}
