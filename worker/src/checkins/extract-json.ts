// Find the JSON object in a model answer: bare, inside ```json fences, or wrapped in prose.
// Truncated JSON (unbalanced braces) yields null: an incomplete answer is never half-used.
const MAX_ANSWER_CHARS = 1_000_000;

export function extractJson(text: string): unknown {
  if (text.length > MAX_ANSWER_CHARS) return undefined;
  const fenced = /```(?:json)?\s*\n?([\s\S]*?)```/i.exec(text);
  const candidates = fenced?.[1] !== undefined ? [fenced[1], text] : [text];
  for (const c of candidates) {
    const obj = firstBalancedObject(c);
    if (obj === null) continue;
    try {
      return JSON.parse(obj) as unknown;
    } catch {
      // Not JSON after all (e.g. braces in prose); try the next candidate.
    }
  }
  return undefined;
}

/** The first `{...}` span with balanced braces outside string literals, or null. */
function firstBalancedObject(text: string): string | null {
  const start = text.indexOf('{');
  if (start < 0) return null;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return null;
}
