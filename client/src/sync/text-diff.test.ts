import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { diffText, transformIndex } from './text-diff.ts';
import type { TextDelta } from './text-diff.ts';

function apply(prev: string, next: string, caret?: number): string {
  const doc = new Y.Doc();
  const text = doc.getText('notes');
  text.insert(0, prev);
  const s = diffText(prev, next, caret);
  if (s) {
    if (s.remove) text.delete(s.index, s.remove);
    if (s.insert) text.insert(s.index, s.insert);
  }
  return text.toString();
}

describe('diffText', () => {
  it('equal strings need no splice', () => expect(diffText('abc', 'abc')).toBeNull());
  it('insert, delete, replace', () => {
    expect(diffText('hello', 'help me')).toEqual({ index: 3, remove: 2, insert: 'p me' });
    expect(diffText('abcdef', 'abef')).toEqual({ index: 2, remove: 2, insert: '' });
    expect(diffText('', 'x')).toEqual({ index: 0, remove: 0, insert: 'x' });
  });
  it('uses the caret to place a repeated character', () => {
    // typing "a" at the start of "aa": without the caret the diff would say index 2
    expect(diffText('aa', 'aaa', 1)).toEqual({ index: 0, remove: 0, insert: 'a' });
    expect(diffText('aa', 'aaa')).toEqual({ index: 2, remove: 0, insert: 'a' });
    // backspace of the first "b" in "abbc"
    expect(diffText('abbc', 'abc', 1)).toEqual({ index: 1, remove: 1, insert: '' });
  });
  it('never splits a surrogate pair', () => {
    const s = diffText('x😀y', 'x😃y')!;
    expect(s.index).toBe(1);
    expect(s.insert).toBe('😃');
    expect(apply('x😀y', 'x😃y')).toBe('x😃y');
  });
  it('round-trips through Y.Text', () => {
    for (const [a, b] of [['', 'hello'], ['hello world', 'hello brave world'], ['abc', ''], ['line1\nline2', 'line1\nline1.5\nline2']] as const) {
      expect(apply(a, b)).toBe(b);
    }
  });
});

describe('transformIndex', () => {
  const d = (ops: TextDelta) => ops;
  it('inserts before the caret push it right', () => expect(transformIndex(5, d([{ retain: 2 }, { insert: 'abc' }]))).toBe(8));
  it('inserts after the caret leave it', () => expect(transformIndex(1, d([{ retain: 2 }, { insert: 'abc' }]))).toBe(1));
  it('deletes before the caret pull it left', () => expect(transformIndex(5, d([{ delete: 2 }]))).toBe(3));
  it('a delete spanning the caret lands it at the start', () => expect(transformIndex(5, d([{ retain: 3 }, { delete: 5 }]))).toBe(3));
  it('matches Y.Text deltas', () => {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    text.insert(0, 'hello world');
    let delta: TextDelta = [];
    text.observe((e) => (delta = e.delta as TextDelta));
    doc.transact(() => {
      text.delete(0, 6);
      text.insert(0, 'big ');
    });
    // caret before "world" (index 6) stays before "world"
    expect(text.toString().slice(transformIndex(6, delta))).toBe('world');
  });
});
