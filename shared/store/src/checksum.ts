// Checksums of stored blobs, so a corrupted record is detected at load instead of served.
import { createHash } from 'node:crypto';

export function checksum(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('base64url').slice(0, 22);
}
