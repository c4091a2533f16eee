// A child process that is restarted with backoff when it dies unexpectedly (dev cluster supervision).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SupervisedProcessOptions {
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Restart after an unexpected exit (default true). */
  restart?: boolean;
  /** Each line the child writes to stdout/stderr, and supervision notices. */
  onOutput: (name: string, line: string) => void;
  /** First restart delay (default 1000 ms); doubles per quick crash up to maxDelayMs (default 15 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** A run shorter than this counts as a quick crash and grows the backoff. */
const QUICK_CRASH_MS = 10_000;

export function describeExit(e: ExitInfo): string {
  return e.signal ? `signal ${e.signal}` : `code ${String(e.code)}`;
}

export class SupervisedProcess {
  readonly name: string;
  private child: ChildProcess | null = null;
  private stopping = false;
  private quickCrashes = 0;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private exitWaiters: ((e: ExitInfo) => void)[] = [];
  private lastExit: ExitInfo | null = null;
  /** How many times the child was restarted after an unexpected exit. */
  restarts = 0;

  constructor(private readonly opts: SupervisedProcessOptions) {
    this.name = opts.name;
  }

  /** The current child's pid; undefined while it is down. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null;
  }

  start(): void {
    if (this.child) return;
    const child = spawn(this.opts.command, [...this.opts.args], {
      cwd: this.opts.cwd,
      env: this.opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.startedAt = Date.now();
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.opts.onOutput(this.name, line));
    }
    let done = false;
    const onExit = (info: ExitInfo) => {
      if (done) return;
      done = true;
      this.handleExit(child, info);
    };
    child.once('error', (err) => {
      this.opts.onOutput(this.name, `[supervisor] ${err.message}`);
      // A failed spawn emits no 'exit'; a failed kill() does but we must not double-count.
      if (child.pid === undefined) onExit({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => onExit({ code, signal }));
  }

  /** Send a signal to the current child (e.g. SIGKILL to simulate a crash). */
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    return this.child?.kill(signal) ?? false;
  }

  /** Resolves at the current child's exit (immediately if it is down). */
  waitForExit(): Promise<ExitInfo> {
    if (!this.child) return Promise.resolve(this.lastExit ?? { code: null, signal: null });
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  /** Stop for good: `signal`, then SIGKILL after `timeoutMs`. Resolves with how the child ended. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<ExitInfo | null> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (!child) return this.lastExit;
    const exited = this.waitForExit();
    child.kill(signal);
    const timer = setTimeout(() => {
      this.opts.onOutput(this.name, `[supervisor] no exit ${timeoutMs} ms after ${signal}; sending SIGKILL`);
      child.kill('SIGKILL');
    }, timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Synchronous last resort (process 'exit' handlers): SIGKILL, no restart. */
  killNow(): void {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.child?.kill('SIGKILL');
  }

  private handleExit(child: ChildProcess, info: ExitInfo): void {
    if (this.child !== child) return;
    this.child = null;
    this.lastExit = info;
    for (const w of this.exitWaiters.splice(0)) w(info);
    if (this.stopping || this.opts.restart === false) return;
    const lived = Date.now() - this.startedAt;
    this.quickCrashes = lived >= QUICK_CRASH_MS ? 1 : this.quickCrashes + 1;
    const base = this.opts.baseDelayMs ?? 1000;
    const delay = Math.min(this.opts.maxDelayMs ?? 15_000, base * 2 ** (this.quickCrashes - 1));
    this.opts.onOutput(this.name, `[supervisor] exited (${describeExit(info)}) after ${lived} ms; restarting in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.restarts++;
      this.start();
    }, delay);
  }
}
