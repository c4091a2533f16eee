// The kv rows that record what the server's trial loads found (SPEC [H15]), read by every process
// that integrates stored documents: the servers before they load one, the worker before it does.
/** Stored bytes of a document when it last passed its trial (or was first loaded too small to need one). */
export const vettedKey = (collaborationId: string) => `vetted:${collaborationId}`;
/** Placement work updates added to a document since its last pass. */
export const placedKey = (collaborationId: string) => `placed:${collaborationId}`;
/** When a server last refused the document as too costly to integrate ('' once a trial passes again). */
export const refusedKey = (collaborationId: string) => `refused:${collaborationId}`;
