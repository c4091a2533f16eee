// Cross-process fan-out (SPEC [S4], [P7]): tail the store's change feed and apply what other
// processes committed — document updates to loaded documents, membership changes to live sockets,
// policy changes to the gate — then hand every change to `onChange` (notifications, approvals, ...).
import { Role } from '@trellis/schema';
import type { Change } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import type { Store } from '@trellis/store';
import type { DocRegistry } from './registry.ts';

export interface FanoutDeps {
  store: Store;
  registry: DocRegistry;
  instanceId: string;
  logger: Logger;
  onChange?: (change: Change) => void;
  onResync?: () => void;
  /** Seconds between a remote update's commit and its application here. */
  onLag?: (seconds: number) => void;
}

type RemoteUpdate = { data: Uint8Array; seq: number; origin: string; at?: number | undefined };

export class Fanout {
  private readonly ac = new AbortController();
  private running: Promise<void> | null = null;

  constructor(private readonly deps: FanoutDeps) {}

  async start(): Promise<void> {
    const from = await this.deps.store.changes.head();
    this.running = this.deps.store.changes.tail({
      from,
      signal: this.ac.signal,
      excludeOrigin: this.deps.instanceId,
      documents: this.deps.registry.documents,
      onBatch: async ({ changes }) => {
        // Other processes' updates to one document within a batch are applied in one transaction:
        // one frame per document to its clients instead of one per update. Other changes keep
        // their place relative to the updates around them.
        const groups = new Map<string, RemoteUpdate[]>();
        const flush = () => {
          for (const [id, updates] of groups) this.applyUpdates(id, updates);
          groups.clear();
        };
        for (const c of changes) {
          if (c.type === 'update') {
            if (c.origin === this.deps.instanceId) continue;
            const g = groups.get(c.collaborationId) ?? [];
            g.push({ data: c.data, seq: c.seq, origin: c.origin, at: c.at });
            groups.set(c.collaborationId, g);
            this.deps.onChange?.(c);
            continue;
          }
          flush();
          await this.apply(c);
        }
        flush();
      },
      onResync: async () => {
        this.deps.logger.warn('change feed lost its place; reloading loaded documents from the store');
        await this.deps.registry.resync();
        await this.recheckMembers();
        this.deps.onResync?.();
      },
      onError: (err) => this.deps.logger.error({ err }, 'change feed error; retrying'),
    });
  }

  private applyUpdates(id: string, updates: RemoteUpdate[]): void {
    this.deps.registry.applyRemote(id, updates);
    const now = Date.now();
    for (const u of updates) if (u.at !== undefined) this.deps.onLag?.((now - u.at) / 1000);
  }

  private async apply(c: Change): Promise<void> {
    switch (c.type) {
      case 'update':
        if (c.origin !== this.deps.instanceId) this.applyUpdates(c.collaborationId, [{ data: c.data, seq: c.seq, origin: c.origin, at: c.at }]);
        break;
      case 'awareness':
        if (c.origin !== this.deps.instanceId) this.deps.registry.applyRemoteAwareness(c.collaborationId, c.data);
        break;
      case 'membership':
        {
          // An unknown role (a newer writer's) changes nothing here; null revokes.
          const role = c.role === null ? null : Role.safeParse(c.role).data;
          if (role !== undefined) this.applyMembership(c.collaborationId, c.userId, role);
        }
        break;
      case 'collaboration': {
        const live = this.deps.registry.get(c.collaborationId);
        if (live) {
          const collab = await this.deps.store.collaborations.get(c.collaborationId);
          if (collab) live.setPolicy(collab.policy);
        }
        break;
      }
      case 'approval':
      case 'notification':
      case 'checkin':
        break;
      default: {
        const never: never = c;
        throw new Error(`unhandled change ${JSON.stringify(never)}`);
      }
    }
    this.deps.onChange?.(c);
  }

  private applyMembership(collaborationId: string, userId: string, role: Role | null): void {
    this.deps.registry.get(collaborationId)?.applyMembership(userId, role);
  }

  private async recheckMembers(): Promise<void> {
    for (const live of this.deps.registry.all()) {
      for (const userId of live.connectedMembers()) {
        const m = await this.deps.store.members.get(live.id, userId);
        live.applyMembership(userId, m?.role ?? null);
      }
    }
  }

  async stop(): Promise<void> {
    this.ac.abort();
    await this.running;
  }
}
