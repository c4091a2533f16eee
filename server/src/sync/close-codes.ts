// WebSocket close codes used by the sync endpoint, in one place (see also ERROR_CODES in schema).
export const CLOSE = {
  protocolError: 1002,
  unsupportedData: 1003,
  invalidPayload: 1007,
  policyViolation: 1008,
  tooLarge: 1009,
  internalError: 1011,
  serviceRestart: 1012,
  tryAgainLater: 1013,
  forbidden: 4403,
  notFound: 4404,
  rateLimited: 4429,
} as const;
