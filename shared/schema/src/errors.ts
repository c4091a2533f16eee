// One coded error class and one table from code to HTTP status and WebSocket close code.
export const ERROR_CODES = {
  bad_request: { http: 400, ws: 1008 },
  unauthorized: { http: 401, ws: 4401 },
  forbidden: { http: 403, ws: 4403 },
  not_found: { http: 404, ws: 4404 },
  conflict: { http: 409, ws: 1008 },
  gone: { http: 410, ws: 1008 },
  payload_too_large: { http: 413, ws: 1009 },
  rate_limited: { http: 429, ws: 4429 },
  unavailable: { http: 503, ws: 1013 },
  corrupt_record: { http: 500, ws: 1011 },
  internal: { http: 500, ws: 1011 },
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
