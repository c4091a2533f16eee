// The visible reason next to an action that needs the server while it cannot run. The action's controls
// point at it with aria-describedby (`describedBy` gives that value, or undefined when they can run).
import { needsServerReason } from '../api/useConnection.ts';
import type { ServerAvailability } from '../api/useConnection.ts';

export function NeedsServer({ id, what, availability }: { id: string; what: string; availability: ServerAvailability }) {
  if (availability.available) return null;
  return (
    <p id={id} className="hint needs-server" data-testid="needs-server">
      {needsServerReason(what, availability)}
    </p>
  );
}

export function describedBy(id: string, availability: ServerAvailability): string | undefined {
  return availability.available ? undefined : id;
}
