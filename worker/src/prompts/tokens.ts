// Counting prompt tokens as the Llama 3 models the worker calls count them (llama3-tokenizer-js:
// vocabulary and merges ship with the package, nothing is downloaded). Loaded on first use — about
// 1.5 s and 130 MB once per process — so a worker on the offline provider never pays for it; an
// encode of a 2 KB prompt line takes about 5 ms. Characters ÷ 4 undercounts ids, times and JSON by
// ~21 %, and no fixed factor bounds hostile text (random letters: ~1 token per character; emoji:
// ~2.5 per code point), so the budget is measured, not estimated.

/** Tokens of a piece of text, without begin/end-of-text markers. */
export type TokenCounter = (text: string) => number;

let loading: Promise<TokenCounter> | null = null;

export function llama3Counter(): Promise<TokenCounter> {
  loading ??= import('llama3-tokenizer-js').then(({ default: tokenizer }) => (text: string) => tokenizer.encode(text, { bos: false, eos: false }).length);
  return loading;
}
