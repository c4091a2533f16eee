// WebSocket close codes of the sync endpoint, on their own: the error table and the server's
// threads that need no schema read them without loading zod.
/** Every WebSocket close code the sync endpoint uses; ERROR_CODES maps coded errors onto these. */
export const CLOSE = {
  protocolError: 1002,
  unsupportedData: 1003,
  invalidPayload: 1007,
  policyViolation: 1008,
  tooLarge: 1009,
  internalError: 1011,
  serviceRestart: 1012,
  tryAgainLater: 1013,
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
  rateLimited: 4429,
} as const;
export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];
