// Token counts with the real Llama 3 tokenizer (llama3-tokenizer-js ships its vocabulary and merges:
// nothing is downloaded), the tokenizer of the Llama 3.x models the worker calls through Groq.
import llama3Tokenizer from 'llama3-tokenizer-js';

/** Tokens of a piece of text, without begin/end-of-text markers. */
export function llama3Tokens(text: string): number {
  return llama3Tokenizer.encode(text, { bos: false, eos: false }).length;
}

/** A header: <|start_header_id|> role <|end_header_id|> "\n\n". */
const header = (role: string) => 2 + llama3Tokens(role) + llama3Tokens('\n\n');

/** Tokens of a system + user chat request as the Llama 3 chat template lays it out, up to the
 *  assistant's header: <|begin_of_text|>, each message with its header and <|eot_id|>. */
export function llama3ChatTokens(system: string, user: string): number {
  return 1 + header('system') + llama3Tokens(system) + 1 + header('user') + llama3Tokens(user) + 1 + header('assistant');
}
