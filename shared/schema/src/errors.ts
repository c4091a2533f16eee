// One coded error class and one table from code to HTTP status and WebSocket close code.
import { CLOSE } from './close-codes.ts';

export const ERROR_CODES = {
  bad_request: { http: 400, ws: CLOSE.policyViolation },
  unauthorized: { http: 401, ws: CLOSE.unauthorized },
  forbidden: { http: 403, ws: CLOSE.forbidden },
  not_found: { http: 404, ws: CLOSE.notFound },
  conflict: { http: 409, ws: CLOSE.policyViolation },
  /** An approval whose target changed since it was proposed: look again, re-propose or reject. */
  stale: { http: 409, ws: CLOSE.policyViolation },
  gone: { http: 410, ws: CLOSE.policyViolation },
  payload_too_large: { http: 413, ws: CLOSE.tooLarge },
  rate_limited: { http: 429, ws: CLOSE.rateLimited },
  unavailable: { http: 503, ws: CLOSE.tryAgainLater },
  corrupt_record: { http: 500, ws: CLOSE.internalError },
  internal: { http: 500, ws: CLOSE.internalError },
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export class TrellisError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'TrellisError';
  }
  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }
  get wsCloseCode(): number {
    return ERROR_CODES[this.code].ws;
  }
}

export function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
