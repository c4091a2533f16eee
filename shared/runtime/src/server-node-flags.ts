// V8 flags every server process is started with, by every launcher (supervisor, cluster, benchmark;
// docker-compose.yml repeats them in the server's command).
//
// --max-semi-space-size=8 (MiB; Node 20's default is 16): a server allocates fast and short-lived
// (frames, decoded updates), so V8 grows the young generation to its maximum and keeps it. Measured
// with 1,000 clients at 1,000 edits/s (BENCHMARKS.md, 2026-11-30): RSS 162–166 MiB instead of
// 178–181, p99 and CPU unchanged; 2 MiB saved more (142–147) but doubled p99 (more scavenges).
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
