// Store-level errors.
import { TrellisError } from '@trellis/schema';

/** A stored record failed its checksum or schema: fail loudly, never replace it. */
export class CorruptRecordError extends TrellisError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('corrupt_record', `corrupt stored record: ${what}`, options);
    this.name = 'CorruptRecordError';
  }
}
