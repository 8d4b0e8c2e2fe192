import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';

/** One request the fake server received. */
export interface RecordedRequest {
  readonly model: string;
  readonly stream: boolean;
  readonly authorization: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Record<string, unknown>;
  /** What the server did: `ok`, `429`, `500`, `402`, `malformed`, `midstream-error`, `slow`, `401`. */
  readonly answered: string;
}

export interface FakeOpenAiServer {
  /** Base URL for the SDK, ending in `/v1`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Prices the fake charges, per token (OpenRouter reports `usage.cost` in USD credits). */
export const FAKE_PRICE = {input: 0.000001, output: 0.000002};

/**
 * A local chat-completions server (OpenAI/OpenRouter protocol), streaming and not. The model name picks the
 * behaviour, so one plan can mix them:
 * - `fake/echo` (or any other name): answers with the text after `@@answer` in the last user message, else
 *   `Echo: <first line>`; usage with `cost`, like OpenRouter.
 * - `fake/429-then-ok`, `fake/500-then-ok`: the first request per model fails (429 with `Retry-After: 1`, or 500),
 *   the next ones succeed.
 * - `fake/always-429`: 429 with `Retry-After: 1`, always. `fake/retry-after-3600`: 429 with `Retry-After: 3600`.
 * - `fake/402`: 402 "Insufficient credits".
 * - `fake/malformed`: 200 with a body that is not JSON (or SSE data that is not JSON when streaming).
 * - `fake/midstream-error`: streams one delta, then an error chunk with `finish_reason: "error"`.
 * - `fake/slow`: waits 30 s before answering (tests cut it short with a timeout).
 * - `fake/truncated`: `finish_reason: "length"`.
 * A wrong or missing bearer token gets 401.
 */
export async function startOpenAiServer(options: {apiKey?: string} = {}): Promise<FakeOpenAiServer> {
  const requests: RecordedRequest[] = [];
  const hits = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      /* answered below */
    }
    const model = typeof body['model'] === 'string' ? body['model'] : '';
    const stream = body['stream'] === true;
    const n = (hits.get(model) ?? 0) + 1;
    hits.set(model, n);
    const record = (answered: string): void => {
      requests.push({model, stream, authorization: req.headers.authorization, headers: req.headers, body, answered});
    };
    const error = (status: number, message: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, {'content-type': 'application/json', ...headers});
      res.end(JSON.stringify({error: {code: status, message}}));
    };
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      record('404');
      error(404, `no route ${req.method} ${req.url}`);
      return;
    }
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      record('401');
      error(401, 'No auth credentials found');
      return;
    }
    const mode = model.startsWith('fake/') ? model.slice(5) : 'echo';
    if (mode === 'always-429' || (mode === '429-then-ok' && n === 1)) {
      record('429');
      error(429, 'Rate limit exceeded: free-models-per-min', {'retry-after': '1'});
      return;
    }
    if (mode === 'retry-after-3600') {
      record('429');
      error(429, 'Rate limit exceeded: daily cap', {'retry-after': '3600'});
      return;
    }
    if (mode === '500-then-ok' && n === 1) {
      record('500');
      error(500, 'Internal Server Error');
      return;
    }
    if (mode === '402') {
      record('402');
      error(402, 'Insufficient credits');
      return;
    }
    if (mode === 'slow') {
      record('slow');
      const timer = setTimeout(() => error(504, 'too slow'), 30_000);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    const messages = Array.isArray(body['messages']) ? (body['messages'] as {role?: string; content?: unknown}[]) : [];
    const last = [...messages].reverse().find((m) => m.role === 'user');
    const prompt = typeof last?.content === 'string' ? last.content : '';
    const answer = /^\s*@@answer\s+(.*)$/m.exec(prompt)?.[1]?.replace(/\\n/g, '\n') ?? `Echo: ${prompt.split('\n')[0] ?? ''}`;
    const promptTokens = Math.ceil(messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('').length / 4);
    const completionTokens = Math.ceil(answer.length / 4);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      cost: Number((promptTokens * FAKE_PRICE.input + completionTokens * FAKE_PRICE.output).toFixed(9)),
    };
    const id = `gen-${n}-${Math.random().toString(36).slice(2, 8)}`;
    const finish = mode === 'truncated' ? 'length' : 'stop';
    if (mode === 'malformed') {
      record('malformed');
      res.writeHead(200, {'content-type': stream ? 'text/event-stream' : 'application/json'});
      res.end(stream ? 'data: {"id": "gen-x", "choices": [\n\n' : '{"id": "gen-x", "choices": [');
      return;
    }
    if (!stream) {
      record('ok');
      res.writeHead(200, {'content-type': 'application/json', 'x-generation-id': id});
      res.end(JSON.stringify({id, object: 'chat.completion', created: 1790000000, model, provider: 'FakeProvider', choices: [{index: 0, message: {role: 'assistant', content: answer}, finish_reason: finish, native_finish_reason: finish}], usage}));
      return;
    }
    res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-cache'});
    const send = (data: unknown): void => void res.write(`data: ${JSON.stringify(data)}\n\n`);
    const chunk = (delta: Record<string, unknown>, finishReason: string | null): Record<string, unknown> => ({id, object: 'chat.completion.chunk', created: 1790000000, model, provider: 'FakeProvider', choices: [{index: 0, delta, finish_reason: finishReason}]});
    res.write(': OPENROUTER PROCESSING\n\n');
    if (mode === 'midstream-error') {
      record('midstream-error');
      send(chunk({role: 'assistant', content: answer.slice(0, 3)}, null));
      send({...chunk({content: ''}, 'error'), error: {code: 502, message: 'Provider returned error'}});
      res.end();
      return;
    }
    record('ok');
    const half = Math.ceil(answer.length / 2);
    send(chunk({role: 'assistant', content: answer.slice(0, half)}, null));
    res.write(': OPENROUTER PROCESSING\n\n');
    send(chunk({content: answer.slice(half)}, finish));
    send({id, object: 'chat.completion.chunk', created: 1790000000, model, choices: [], usage});
    res.write('data: [DONE]\n\n');
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v1`,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
