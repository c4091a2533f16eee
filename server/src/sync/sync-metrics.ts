// The sync core's Prometheus metrics (SPEC issue: connections, documents, updates, bytes, lag, refusals).
import type { Metrics } from '@trellis/runtime';

export function createSyncMetrics(m: Metrics) {
  return {
    updatesIn: m.counter('trellis_updates_applied_total', 'Client updates applied'),
    updateBytesIn: m.counter('trellis_update_bytes_in_total', 'Bytes of client updates received'),
    refused: m.counter('trellis_updates_refused_total', 'Client updates refused by the permission gate'),
    remoteApplied: m.counter('trellis_fanout_updates_total', 'Updates applied from other processes via the change feed'),
    fanoutLag: m.histogram('trellis_fanout_lag_seconds', 'Delay between a change being stored and applied here', [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5]),
    protocolErrors: m.counter('trellis_protocol_errors_total', 'Connections closed for malformed frames'),
    connections: m.gauge('trellis_connections', 'Open sync connections'),
    documents: m.gauge('trellis_documents_loaded', 'Documents loaded in memory'),
    peerUpdates: m.counter('trellis_peer_updates_total', 'Updates forwarded directly by other server processes'),
    peers: m.gauge('trellis_peers', 'Other server processes linked directly'),
    peerUnconfirmed: m.gauge('trellis_peer_unconfirmed_updates', 'Forwarded updates not yet seen stored by their writer'),
    gateSeconds: m.histogram('trellis_gate_seconds', 'Time one client update spends in the permission gate', [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]),
    costRefused: m.counter('trellis_gate_work_exceeded_total', 'Connections closed for exceeding their integration work budget'),
    loadRefused: m.counter('trellis_documents_refused_total', 'Documents refused on load: incomplete (pending structs or deletes) or too costly in their trial load'),
    loadSeconds: m.histogram('trellis_document_load_seconds', 'Time a document load spent integrating the stored document on the event loop', [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]),
    trialLoads: m.counter('trellis_documents_trial_loads_total', 'Stored documents integrated on the pre-flight thread: before a load, or to renew a loaded document\'s room for placement work'),
    roomWaits: m.counter('trellis_updates_waiting_for_room_total', 'Updates sent back (1013) because their document had no room left for their placement work until a trial renews it'),
    preflight: m.counter('trellis_preflight_updates_total', 'Large client updates read on the pre-flight thread, by verdict (passed, malformed, too_costly, busy)'),
    preflightRestarts: m.gauge('trellis_preflight_thread_restarts', 'Pre-flight threads replaced after a deadline or a crash'),
    messagesOut: m.counter('trellis_messages_sent_total', 'Frames sent to clients'),
  };
}
export type SyncMetrics = ReturnType<typeof createSyncMetrics>;
