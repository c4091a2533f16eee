// A server process as the others find it when they link across machines (SPEC [S14]): its
// instance id and the `host:port` its peer listener is reached at. Parsed from the environment
// (PEER_ADDRESS), from the store's registry and from a peer's hello.
import { z } from 'zod';

/** Server instance ids (`server-<8 hex>`); anything a peer claims must look like one. */
export const PeerInstanceId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -');

const hostname = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const bracketedIpv6 = /^\[[0-9A-Fa-f:.]+\]$/;

/** `host:port` (host a name, an IPv4 address or a bracketed IPv6 address; port 1–65535). */
export const PeerAddress = z.string().refine((v) => {
  const parsed = splitPeerAddress(v);
  return parsed !== null;
}, 'must be host:port (e.g. server1:7070), port 1-65535');

export const PeerRecord = z.object({ instanceId: PeerInstanceId, address: PeerAddress, expiresAt: z.number().int() });
export type PeerRecord = z.infer<typeof PeerRecord>;

/** The host (brackets of an IPv6 address dropped) and port of an address, or null if it is not one. */
export function splitPeerAddress(address: string): { host: string; port: number } | null {
  const at = address.lastIndexOf(':');
  if (at <= 0) return null;
  const host = address.slice(0, at);
  const portText = address.slice(at + 1);
  if (!/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  if (port < 1 || port > 65535) return null;
  if (bracketedIpv6.test(host)) return { host: host.slice(1, -1), port };
  return hostname.test(host) ? { host, port } : null;
}
