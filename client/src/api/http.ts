// The one REST client: JSON in and out, the bearer token, errors as ApiError, a hook that tells
// the auth layer when the token stopped working (401), and what each call found out about the server
// for the connection monitor.
import { ApiError } from './api-error.ts';
import { isGatewayError } from './connection.ts';

export interface HttpOptions {
  getToken: () => string | null;
  onUnauthorized: () => void;
  /** Told whether the server answered; optional so the client works without a monitor. */
  connection?: { reachable: () => void; unreachable: () => void };
}

/**
 * GETs the service worker answers from its cache when the network fails (client/vite.config.ts,
 * `runtimeCaching`): a 200 for them does not prove the server answered.
 */
const SERVED_FROM_CACHE_WHEN_DOWN = /^\/api\/collaborations(\/[A-Za-z0-9_-]+)?(\?.*)?$/;

export interface ApiResponse<T> {
  status: number;
  data: T;
}

export type Http = <T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown) => Promise<ApiResponse<T>>;

export function createHttp(opts: HttpOptions): Http {
  return async <T>(method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = opts.getToken();
    if (token) headers['Authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch {
      const online = navigator.onLine;
      opts.connection?.unreachable();
      throw online ? new ApiError(0, 'unreachable', 'the server cannot be reached') : new ApiError(0, 'offline', 'network unavailable');
    }
    if (isGatewayError(res.status)) opts.connection?.unreachable();
    else if (method !== 'GET' || !SERVED_FROM_CACHE_WHEN_DOWN.test(path)) opts.connection?.reachable();
    const text = await res.text().catch(() => '');
    let data: unknown = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    if (isGatewayError(res.status)) throw new ApiError(0, 'unreachable', 'the server cannot be reached');
    if (!res.ok) {
      const err = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      const code = typeof err?.code === 'string' ? err.code : `http_${res.status}`;
      const message = typeof err?.message === 'string' ? err.message : res.statusText;
      if (res.status === 401 && token) opts.onUnauthorized();
      throw new ApiError(res.status, code, message);
    }
    return { status: res.status, data: data as T };
  };
}

/** Items of a `{items, nextCursor}` list, tolerating a bare array or a named field. */
export function itemsOf<T>(data: unknown, field?: string): T[] {
  if (Array.isArray(data)) return data as T[];
  if (data && typeof data === 'object') {
    const o = data as Record<string, unknown>;
    if (Array.isArray(o['items'])) return o['items'] as T[];
    if (field && Array.isArray(o[field])) return o[field] as T[];
  }
  return [];
}
