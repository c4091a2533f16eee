// A process's start-up checks (environment, configuration): a failure prints its one-line reason and
// ends the process with status 1, without a stack trace (the reason names what to fix).
export function orExit<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
