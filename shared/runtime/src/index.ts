// @trellis/runtime: logging, metrics and timing helpers shared by the server and the worker.
export * from './logger.ts';
export * from './metrics.ts';
export * from './backoff.ts';
export * from './free-port.ts';
export * from './parent-watch.ts';
export * from './thread-entry.ts';
export * from './or-exit.ts';
export * from './server-node-flags.ts';
