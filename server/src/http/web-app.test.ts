import { describe, expect, it } from 'vitest';
import { cacheControlFor, chooseCoding, IMMUTABLE } from './web-app.ts';

describe('chooseCoding', () => {
  const both = { br: true, gzip: true };
  it('prefers Brotli over gzip whatever the header order, and respects q=0 and *', () => {
    expect(chooseCoding('gzip, deflate, br, zstd', both)).toBe('br');
    expect(chooseCoding('gzip', both)).toBe('gzip');
    expect(chooseCoding('br;q=0, gzip', both)).toBe('gzip');
    expect(chooseCoding('BR; q=0.1', both)).toBe('br');
    expect(chooseCoding('*', both)).toBe('br');
    expect(chooseCoding('*;q=0', both)).toBe('identity');
    expect(chooseCoding('identity', both)).toBe('identity');
    expect(chooseCoding(undefined, both)).toBe('identity');
    expect(chooseCoding('', both)).toBe('identity');
  });
  it('picks only copies that exist', () => {
    expect(chooseCoding('br, gzip', { br: false, gzip: true })).toBe('gzip');
    expect(chooseCoding('br', { br: false, gzip: true })).toBe('identity');
  });
});

describe('cacheControlFor', () => {
  it('immutable for hashed assets, no-cache for the shell and the service worker, an hour otherwise', () => {
    expect(cacheControlFor('/assets/index-Cg33UWec.js')).toBe(IMMUTABLE);
    expect(cacheControlFor('/assets/AuditPanel-DoVhOC6-.js')).toBe(IMMUTABLE);
    expect(cacheControlFor('/index.html')).toBe('no-cache');
    expect(cacheControlFor('/sw.js')).toBe('no-cache');
    expect(cacheControlFor('/workbox-6d87e456.js')).toBe('no-cache');
    expect(cacheControlFor('/manifest.webmanifest')).toBe('no-cache');
    expect(cacheControlFor('/icon.svg')).toBe('public, max-age=3600');
  });
});
