// A small OpenAI/Groq-compatible chat server for tests and the benchmark: the real SDK clients talk
// to it over HTTP. Each test programs a responder: request body → status, headers, body or chunks, delay.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeChatRequest {
  path: string;
  body: { model?: string; stream?: boolean; messages?: { role: string; content: string }[]; response_format?: unknown; max_tokens?: number };
  /** The system and user prompts, for convenience. */
  system: string;
  user: string;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  /** Assistant text: wrapped into a chat completion (or streamed in `chunks`). */
  content?: string;
  /** A raw body (object → JSON, string as is), for error answers. */
  body?: unknown;
  /** Stream these deltas as SSE when the request asks for `stream: true`. */
  chunks?: string[];
  delayMs?: number;
  chunkDelayMs?: number;
  /** Drop the connection after streaming this many chunks (a stream cut mid-way). */
  cutAfterChunks?: number;
}

export type Responder = (req: FakeChatRequest) => FakeReply | Promise<FakeReply>;

export interface FakeLlm {
  /** Root URL; Groq's base URL (the SDK appends /openai/v1/...). */
  readonly url: string;
  /** OpenAI-style base URL (`…/v1`). */
  readonly openaiBaseUrl: string;
  readonly requests: FakeChatRequest[];
  respond(fn: Responder): void;
  close(): Promise<void>;
}

const tokens = (s: string) => Math.ceil(s.length / 4);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function completion(model: string, content: string, promptTokens: number) {
  return {
    id: `chatcmpl-fake`, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: promptTokens, completion_tokens: tokens(content), total_tokens: promptTokens + tokens(content) },
  };
}

async function writeStream(res: ServerResponse, model: string, chunks: string[], promptTokens: number, delayMs: number, cutAfter?: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const frame = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
  res.write(frame({ role: 'assistant', content: '' }));
  for (const [i, c] of chunks.entries()) {
    if (res.destroyed) return;
    if (cutAfter !== undefined && i >= cutAfter) {
      // Let the chunks already written reach the client, then drop the connection.
      await wait(50);
      res.destroy();
      return;
    }
    if (delayMs > 0) await wait(delayMs);
    res.write(frame({ content: c }));
  }
  const usage = { prompt_tokens: promptTokens, completion_tokens: tokens(chunks.join('')), total_tokens: 0 };
  res.write(`data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model, choices: [], usage, x_groq: { usage } })}\n\n`);
  res.end('data: [DONE]\n\n');
}

export async function startFakeLlm(initial?: Responder): Promise<FakeLlm> {
  let responder: Responder = initial ?? (() => ({ content: '{"checkins":[]}' }));
  const requests: FakeChatRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const path = req.url ?? '';
      if (req.method !== 'POST' || (path !== '/openai/v1/chat/completions' && path !== '/v1/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      const body = JSON.parse(await readBody(req)) as FakeChatRequest['body'];
      const messages = body.messages ?? [];
      const request: FakeChatRequest = {
        path, body,
        system: messages.find((m) => m.role === 'system')?.content ?? '',
        user: messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n'),
      };
      requests.push(request);
      const reply = await responder(request);
      if (reply.delayMs) await wait(reply.delayMs);
      if (res.destroyed) return;
      const status = reply.status ?? 200;
      const model = body.model ?? 'fake';
      const promptTokens = tokens(messages.map((m) => m.content).join(''));
      if (status === 200 && body.stream && reply.body === undefined) {
        await writeStream(res, model, reply.chunks ?? [reply.content ?? ''], promptTokens, reply.chunkDelayMs ?? 0, reply.cutAfterChunks);
        return;
      }
      const payload = reply.body !== undefined ? reply.body : completion(model, reply.content ?? '', promptTokens);
      res.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    })().catch((err: unknown) => {
      // A responder bug must show up in the test as a 500, not crash the fake server.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(err) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    requests,
    respond(fn) {
      responder = fn;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
