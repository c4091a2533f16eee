// How an actor appears inside the document (message kind and author id) and in update origins.
import { unreachable } from '@trellis/schema';
import type { Actor, MessageKind } from '@trellis/schema';

export function messageKindOf(actor: Actor): MessageKind {
  switch (actor.kind) {
    case 'user':
      return 'user';
    case 'ai':
      return 'ai';
    case 'rule':
    case 'system':
      return 'system';
    default:
      return unreachable(actor.kind);
  }
}

/** The authorId written into messages / activities. People sign with their user id. */
export function authorIdOf(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return actor.userId ?? 'unknown';
    case 'ai':
      return 'ai';
    case 'rule':
      return actor.ref ? `rule:${actor.ref}` : 'rule';
    case 'system':
      return 'system';
    default:
      return unreachable(actor.kind);
  }
}

/** A stable key for idempotency records: the same person, AI run or rule. */
export function actorKey(actor: Actor): string {
  return `${actor.kind}:${actor.userId ?? ''}:${actor.ref ?? ''}`;
}

export function originOf(actor: Actor, action: string): string {
  return `engine:${action}:${actor.kind}${actor.userId ? `:${actor.userId}` : ''}`;
}
