import {
  type Exchange,
  type FakeLlmServer,
  type FakeServerOptions,
  type FakeToolCall,
  splitArguments,
  startScriptedServer,
  usageOf,
  writeError,
} from './fake-openai.ts';

export type { FakeLlmServer, FakeScript, FakeServerOptions, FakeToolCall, RecordedRequest } from './fake-openai.ts';

function anthropicErrorType(status: number): string {
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

const toolUseId = (call: FakeToolCall, i: number) => call.id ?? `toolu_fake_${i}`;

function stopReason(exchange: Exchange): string {
  return exchange.script.finishReason ?? (exchange.script.toolCalls?.length ? 'tool_use' : 'end_turn');
}

function toInput(call: FakeToolCall): unknown {
  try {
    return JSON.parse(call.arguments);
  } catch {
    return {};
  }
}

async function streamAnthropic(exchange: Exchange, id: string, model: string): Promise<void> {
  const { res, script, request, pieces } = exchange;
  const usage = usageOf(script, request, pieces);
  const event = (name: string, data: Record<string, unknown>) => exchange.write(`event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`);

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...script.headers });
  const message = {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: usage.inputTokens, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
  if (!(await event('message_start', { message }))) return;
  if (script.invalidJson) {
    await exchange.write('event: content_block_start\ndata: {"type": "content_block_start", "index": \n\n');
    res.end();
    return;
  }
  if (!(await event('ping', {}))) return;
  let index = 0;
  if (pieces.length) {
    if (!(await event('content_block_start', { index, content_block: { type: 'text', text: '' } }))) return;
    for (const [i, piece] of pieces.entries()) {
      await exchange.pace();
      if (!(await event('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }))) return;
      if (exchange.cutIfDue(i + 1)) return;
    }
    if (!(await event('content_block_stop', { index }))) return;
    index++;
  }
  for (const [i, call] of (script.toolCalls ?? []).entries()) {
    const block = { type: 'tool_use', id: toolUseId(call, i), name: call.name, input: {} };
    if (!(await event('content_block_start', { index, content_block: block }))) return;
    for (const part of ['', ...splitArguments(call.arguments)]) {
      await exchange.pace();
      if (!(await event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } }))) return;
    }
    if (!(await event('content_block_stop', { index }))) return;
    index++;
  }
  const delta = { stop_reason: stopReason(exchange), stop_sequence: null };
  if (!(await event('message_delta', { delta, usage: { output_tokens: usage.outputTokens } }))) return;
  if (!(await event('message_stop', {}))) return;
  res.end();
}

function messageAnthropic(exchange: Exchange, id: string, model: string): void {
  const { res, script, request, pieces } = exchange;
  if (script.invalidJson) {
    res.writeHead(200, { 'content-type': 'application/json', ...script.headers }).end('{"id": "msg_broken", "content": [');
    return;
  }
  const usage = usageOf(script, request, pieces);
  const text = pieces.join('');
  const content = [
    ...(text ? [{ type: 'text', text, citations: null }] : []),
    ...(script.toolCalls ?? []).map((call, i) => ({ type: 'tool_use', id: toolUseId(call, i), name: call.name, input: toInput(call) })),
  ];
  const body = {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason(exchange),
    stop_sequence: null,
    usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
  res.writeHead(200, { 'content-type': 'application/json', ...script.headers }).end(JSON.stringify(body));
}

/**
 * A fake Anthropic speaking the real Messages wire protocol on `POST /v1/messages`: JSON, or SSE with `event:` names
 * message_start, content_block_start/delta/stop (text_delta, input_json_delta), message_delta (usage, stop_reason),
 * message_stop. Scripted per request (the same {@link FakeScript}s as the OpenAI fake); every request is recorded.
 * @example const fake = await startFakeAnthropic({ scripts: [{ status: 529 }, { text: 'hi' }] });
 *   new Anthropic({ apiKey: 'k', baseURL: fake.baseURL });
 */
export function startFakeAnthropic(options: FakeServerOptions = {}): Promise<FakeLlmServer> {
  let n = 0;
  return startScriptedServer(
    '/v1/messages',
    '',
    async (exchange) => {
      const { script, request } = exchange;
      if (script.status) {
        const error = { type: anthropicErrorType(script.status), message: script.errorMessage ?? `fake error ${script.status}` };
        writeError(exchange, script.status, { type: 'error', error });
        return;
      }
      const id = `msg_fake_${++n}`;
      const model = String((request.body as { model?: unknown } | undefined)?.model ?? 'fake-model');
      if (request.stream) await streamAnthropic(exchange, id, model);
      else messageAnthropic(exchange, id, model);
    },
    options,
  );
}
