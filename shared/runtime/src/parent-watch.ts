// A supervised child exits with its supervisor (SPEC [S11]). The supervisor spawns its children with
// an IPC channel; the operating system closes that channel when the supervisor dies for any reason,
// SIGKILL included, so the child sees 'disconnect' and can store what it holds and exit instead of
// running on as an orphan.

/**
 * Call `onGone` once when the parent that spawned this process with an IPC channel goes away.
 * Does nothing for a process started without one (a shell, a container runtime, a test).
 */
export function onParentGone(onGone: () => void): void {
  // Only a process spawned with an IPC channel has `send`; it stays after the channel closed.
  if (typeof process.send !== 'function') return;
  const channel = process.channel;
  if (!channel || !process.connected) {
    // Gone already (while this process was starting up).
    queueMicrotask(onGone);
    return;
  }
  // Watching must not keep the process alive by itself.
  channel.unref();
  process.once('disconnect', onGone);
}
