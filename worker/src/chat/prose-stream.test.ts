import { describe, expect, it } from 'vitest';
import { splitActions } from './context.ts';
import { ProseStream } from './prose-stream.ts';

const run = (chunks: string[]) => {
  const p = new ProseStream();
  const shown = chunks.map((c) => p.push(c));
  return { shown, visible: shown.join(''), text: p.text };
};

describe('[W3] only prose is streamed', () => {
  it('[W3] a ```json actions block split across deltas is never shown, not even its first backticks', () => {
    const { shown, visible } = run(['Sure, I will add it.\n`', '``', 'js', 'on\n{"actions":[{"action":"proposeActivity",', '"params":{"title":"Hike"}}]}\n```']);
    expect(visible).toBe('Sure, I will add it.\n');
    for (const s of shown) expect(s).not.toContain('`');
  });

  it('[W3] a bare ```{ block is hidden too; another code block is prose and shown', () => {
    expect(run(['Done. ```', '\n{"actions":[]}```']).visible).toBe('Done. ');
    expect(run(['Try ``', '`sh\nls\n``', '` ok']).visible).toBe('Try ```sh\nls\n``` ok');
  });

  it('[W3] the final body drops every actions block, also one cut off by the end of the stream', () => {
    expect(splitActions('Hi.\n```json\n{"actions":[{"action":"sendMessage","params":{"body":"x"}}]}\n```\nBye.')).toEqual({
      body: 'Hi.\n\nBye.', actions: [{ action: 'sendMessage', params: { body: 'x' } }],
    });
    expect(splitActions('Partial answer ```json\n{"actions":[{"act')).toEqual({ body: 'Partial answer', actions: [] });
    expect(splitActions('No block at all.')).toEqual({ body: 'No block at all.', actions: [] });
  });
});
