// Our CompleteInput as an OpenAI-compatible chat completion request (groq-sdk and openai take the same body).
import type { CompleteInput } from './types.ts';

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

export function messagesOf(input: CompleteInput): ChatMessage[] {
  return [
    { role: 'system', content: input.system },
    { role: 'user', content: input.user },
  ];
}

/** The request body shared by both providers; `json` adds `response_format: json_object` (JSON mode). */
export function chatRequest(model: string, input: CompleteInput, json = false) {
  return {
    model,
    messages: messagesOf(input),
    max_tokens: input.maxTokens,
    temperature: 0.2,
    ...(json ? { response_format: { type: 'json_object' as const } } : {}),
  };
}
