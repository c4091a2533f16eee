import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeLlm } from '../testing/fake-llm.ts';
import { startFakeLlm } from '../testing/fake-llm.ts';
import { createGroqProvider } from './groq.ts';
import { createOpenAiProvider } from './openai.ts';
import type { LlmProvider } from './types.ts';
import { LlmError } from './types.ts';

let fake: FakeLlm;
let providers: LlmProvider[];
beforeAll(async () => {
  fake = await startFakeLlm();
  providers = [
    createGroqProvider({ apiKey: 'k', model: 'llama-test', baseURL: fake.url, timeoutMs: 500 }),
    createOpenAiProvider({ baseURL: fake.openaiBaseUrl, model: 'local-test', timeoutMs: 500 }),
  ];
});
afterAll(() => fake.close());

const input = { system: 'sys', user: 'hello', maxTokens: 100, json: true };

describe.each([0, 1])('provider %i against the fake server', (i) => {
  const p = () => providers[i]!;
  it('completes and reports usage, model and json mode (groq)', async () => {
    fake.respond(() => ({ content: '{"checkins":[]}' }));
    const out = await p().complete(input);
    expect(out.text).toBe('{"checkins":[]}');
    expect(out.inputTokens).toBeGreaterThan(0);
    expect(out.model).toBe(p().model);
    const last = fake.requests.at(-1)!;
    expect(last.path).toBe(i === 0 ? '/openai/v1/chat/completions' : '/v1/chat/completions');
    if (i === 0) expect(last.body.response_format).toEqual({ type: 'json_object' });
  });
  it('429 carries retry-after as retryAfterMs', async () => {
    fake.respond(() => ({ status: 429, headers: { 'retry-after': '7' }, body: { error: { message: 'slow down' } } }));
    const err = await p().complete(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe('rate_limited');
    expect((err as LlmError).retryAfterMs).toBe(7000);
  });
  it('500 is a retryable server error', async () => {
    fake.respond(() => ({ status: 500, body: { error: { message: 'boom' } } }));
    const err = (await p().complete(input).catch((e: unknown) => e)) as LlmError;
    expect(err.kind).toBe('server');
    expect(err.retryable).toBe(true);
  });
  it('a slow answer times out', async () => {
    fake.respond(() => ({ content: '{}', delayMs: 2000 }));
    const err = (await p().complete(input).catch((e: unknown) => e)) as LlmError;
    expect(err.kind).toBe('timeout');
  });
  it('streams deltas in order', async () => {
    fake.respond(() => ({ chunks: ['Hel', 'lo ', 'there'] }));
    const deltas: string[] = [];
    const out = await p().stream(input, (d) => deltas.push(d));
    expect(deltas).toEqual(['Hel', 'lo ', 'there']);
    expect(out.text).toBe('Hello there');
    expect(out.outputTokens).toBeGreaterThan(0);
  });
});
