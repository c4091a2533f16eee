// The WebSocket upgrade (SPEC [S1]): Origin, token and membership are checked before the upgrade
// completes; refusals answer a plain HTTP status and destroy the socket.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ID_PATTERN, TrellisError } from '@trellis/schema';
import type { Role } from '@trellis/schema';
import type { Store } from '@trellis/store';
import type { Authenticator, AuthUser, VerifiedToken } from '../auth/authenticator.ts';

export interface UpgradeTarget {
  collaborationId: string;
  user: AuthUser;
  role: Role;
  ack: boolean;
  /** When the token stops being valid: the socket is closed then (SPEC [S1]). */
  expiresAt: number;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 503: 'Service Unavailable' };

export function refuseUpgrade(socket: Duplex, status: number): void {
  try {
    socket.write(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n`);
  } finally {
    socket.destroy();
  }
}

export async function authorizeUpgrade(
  req: IncomingMessage,
  deps: { auth: Authenticator; store: Store; allowedOrigins: string[] | null },
): Promise<UpgradeTarget | { status: number }> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = /^\/sync\/([^/]+)$/.exec(url.pathname);
  if (!match) return { status: 404 };
  const collaborationId = decodeId(match[1]!);
  // A malformed percent-escape is the client's mistake (SPEC [H11]), like REST's 400.
  if (collaborationId === null) return { status: 400 };
  const origin = req.headers.origin;
  // Cross-site WebSocket hijacking: browsers always send Origin; enforce the allow-list when set.
  if (origin && deps.allowedOrigins && !deps.allowedOrigins.includes(origin)) return { status: 403 };
  let verified: VerifiedToken;
  try {
    verified = await deps.auth.verify(url.searchParams.get('token') ?? '');
  } catch (err) {
    if (err instanceof TrellisError && err.code === 'unauthorized') return { status: 401 };
    throw err;
  }
  if (!ID_PATTERN.test(collaborationId)) return { status: 404 };
  const { user, expiresAt } = verified;
  const member = await deps.store.members.get(collaborationId, user.id);
  if (!member) return { status: 404 };
  return { collaborationId, user, role: member.role, ack: url.searchParams.get('ack') === '1', expiresAt };
}

function decodeId(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}
