// The one REST client: JSON in and out, the bearer token, errors as ApiError, and a hook that tells
// the auth layer when the token stopped working (401).
import { ApiError } from './api-error.ts';

export interface HttpOptions {
  getToken: () => string | null;
  onUnauthorized: () => void;
}

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
      throw new ApiError(0, 'offline', 'network unavailable');
    }
    const text = await res.text().catch(() => '');
    let data: unknown = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
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
