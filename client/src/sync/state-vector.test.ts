import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { clocksOfUpdate, docIsCovered, isCovered } from './state-vector.ts';

describe('state vectors', () => {
  it('reads the end clock of each client an update carries', () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    doc.getText('notes').insert(0, 'abc');
    doc.getText('notes').insert(3, 'de');
    expect(clocksOfUpdate(updates[0]!)).toEqual(new Map([[doc.clientID, 3]]));
    expect(clocksOfUpdate(updates[1]!)).toEqual(new Map([[doc.clientID, 5]]));
  });

  it('a delete-only update carries no clocks', () => {
    const doc = new Y.Doc();
    doc.getText('notes').insert(0, 'abc');
    let last: Uint8Array | undefined;
    doc.on('update', (u: Uint8Array) => (last = u));
    doc.getText('notes').delete(0, 1);
    expect(clocksOfUpdate(last!).size).toBe(0);
  });

  it('covered only when every clock is at or below the acked vector', () => {
    expect(isCovered(new Map([[1, 3]]), new Map([[1, 3]]))).toBe(true);
    expect(isCovered(new Map([[1, 3]]), new Map([[1, 4], [2, 9]]))).toBe(true);
    expect(isCovered(new Map([[1, 3]]), new Map([[1, 2]]))).toBe(false);
    expect(isCovered(new Map([[1, 3]]), new Map([[2, 9]]))).toBe(false);
    expect(isCovered(new Map(), new Map())).toBe(true);
  });

  it('a document is covered once the server state vector includes all of it', () => {
    const local = new Y.Doc();
    local.getArray('messages').push(['x']);
    const server = new Y.Doc();
    expect(docIsCovered(local, Y.decodeStateVector(Y.encodeStateVector(server)))).toBe(false);
    Y.applyUpdate(server, Y.encodeStateAsUpdate(local));
    expect(docIsCovered(local, Y.decodeStateVector(Y.encodeStateVector(server)))).toBe(true);
    local.getArray('messages').push(['y']);
    expect(docIsCovered(local, Y.decodeStateVector(Y.encodeStateVector(server)))).toBe(false);
  });
});
