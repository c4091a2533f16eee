// Test support: a worker process (crash-child.ts) that stops itself (SIGSTOP) at a chosen step, as a
// worker frozen past its leases would; the test wakes it (SIGCONT) once another worker took over.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

export interface StallingChild {
  /** Resolves once stderr has matched (`stalled`, `settled:<result>`). */
  seen(what: RegExp): Promise<void>;
  stderr(): string;
  wake(): void;
  /** SIGKILL it and wait for it to exit. */
  kill(): Promise<void>;
}

export function startStalling(dataDir: string, llmUrl: string, step: string): StallingChild {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, llmUrl, `stall@${step}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const waiting: { what: RegExp; resolve: () => void }[] = [];
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of waiting.splice(0)) {
      if (w.what.test(stderr)) w.resolve();
      else waiting.push(w);
    }
  });
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  return {
    seen: (what) => new Promise<void>((resolve) => {
      if (what.test(stderr)) resolve();
      else waiting.push({ what, resolve });
    }),
    stderr: () => stderr,
    wake: () => proc.kill('SIGCONT'),
    async kill() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
