// A failed REST call, with the server's error code and a message a person can read.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
  /** No answer from the server: the browser is offline (code `offline`) or the server cannot be reached (`unreachable`). */
  get noAnswer(): boolean {
    return this.status === 0;
  }
}

/** Words for a list or page that could not be loaded; no answer is not the server's error but its absence. */
export function describeLoadError(err: unknown, what: string): string {
  if (err instanceof ApiError && err.noAnswer) {
    return err.code === 'unreachable' ? `${what} can’t be loaded right now: the server can’t be reached.` : `${what} can’t be loaded while you are offline.`;
  }
  return describeError(err);
}

/** Words for any error a screen may show. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 0 && err.code === 'unreachable') return 'Can’t reach the server. Try again when it answers; what you edit on this device is kept.';
    if (err.status === 0) return 'You are offline. Try again when you are back online; what you edit on this device is kept.';
    if (err.status === 401) return 'Your session has expired. Sign in again; your local edits are kept.';
    if (err.status === 403) return `Not allowed: ${err.message || 'your role does not permit this.'}`;
    if (err.status === 404) return err.message && err.message !== 'not found' ? err.message : 'Not found, or you are not a member of it.';
    if (err.status === 429) return 'Too many requests. Wait a moment and try again.';
    if (err.status >= 500) return `The server had a problem (${err.status}). Try again in a moment.`;
    return err.message || `Request failed (${err.status}).`;
  }
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}
