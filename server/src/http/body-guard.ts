// Structural limits on parsed JSON bodies, checked before any schema: keys that could reach an
// object's prototype are refused outright, and so is nesting deep enough to exhaust a recursive
// validator's stack. (Size is capped by express.json's limit → 413.)
import type { RequestHandler } from 'express';
import { TrellisError } from '@trellis/schema';

const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function bodyGuard(): RequestHandler {
  return (req, _res, next) => {
    const problem = inspect(req.body, 0);
    if (problem) throw new TrellisError('bad_request', problem);
    next();
  };
}

function inspect(value: unknown, depth: number): string | null {
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_DEPTH) return `body nested deeper than ${MAX_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (const item of value) {
      const p = inspect(item, depth + 1);
      if (p) return p;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return `key "${key}" is not allowed`;
    const p = inspect((value as Record<string, unknown>)[key], depth + 1);
    if (p) return p;
  }
  return null;
}
