// Splits a message body into plain text, `@ai` and `@mention` segments for highlighting (the same
// handle syntax as `mentionsIn` in @trellis/schema).

export type Segment = { kind: 'text' | 'ai' | 'mention'; text: string };

export function segmentBody(body: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of body.matchAll(/(^|\s)@([A-Za-z0-9_.-]{1,64})/g)) {
    const at = (m.index ?? 0) + (m[1]?.length ?? 0);
    if (at > last) out.push({ kind: 'text', text: body.slice(last, at) });
    const handle = m[2] ?? '';
    out.push({ kind: handle.toLowerCase() === 'ai' ? 'ai' : 'mention', text: `@${handle}` });
    last = at + handle.length + 1;
  }
  if (last < body.length) out.push({ kind: 'text', text: body.slice(last) });
  return out;
}
