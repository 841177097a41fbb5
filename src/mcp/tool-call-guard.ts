/**
 * The one place where a malformed `tools/call` becomes an answer, before the SDK sees it: params that are not
 * `{ name, arguments? }` get JSON-RPC -32602 (invalid params), arguments that break the tool's input schema an
 * `isError` result; each in one line that says what is wrong. Left to the SDK, `arguments: null` (or a string, an
 * array, a number) was answered -32603 with a pretty-printed dump of its own zod issues, and wrong argument types
 * with one line per issue.
 */
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';

const INVALID_PARAMS = -32602;
/** Longest piece of a client's own text (a tool name) repeated in an answer. */
const ECHO_CHARS = 80;

/** Wraps `inner` so that tool calls the schemas in `inputs` refuse are answered here and never reach the server. */
export function guardToolCalls(inner: Transport, inputs: Readonly<Record<string, z.ZodType>>): Transport {
  return new ToolCallGuard(inner, inputs);
}

class ToolCallGuard implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;

  constructor(
    private readonly inner: Transport,
    private readonly inputs: Readonly<Record<string, z.ZodType>>,
  ) {
    inner.onclose = () => this.onclose?.();
    inner.onerror = (error) => this.onerror?.(error);
    inner.onmessage = (message, extra) => {
      const answer = this.refusal(message);
      if (answer) void inner.send(answer).catch((error: unknown) => this.onerror?.(error as Error));
      else this.onmessage?.(message, extra);
    };
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    return this.inner.send(message, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  setProtocolVersion(version: string): void {
    this.inner.setProtocolVersion?.(version);
  }

  /** The answer to a tools/call that cannot be run as sent, or null to pass the message on. */
  private refusal(message: JSONRPCMessage): JSONRPCMessage | null {
    const m = message as { id?: unknown; method?: unknown; params?: unknown };
    if (m.method !== 'tools/call' || (typeof m.id !== 'string' && typeof m.id !== 'number')) return null;
    const id = m.id;
    const fail = (text: string): JSONRPCMessage => ({
      jsonrpc: '2.0',
      id,
      error: { code: INVALID_PARAMS, message: text },
    });
    if (!isPlainObject(m.params))
      return fail(
        `Invalid params: tools/call takes {"name": <tool>, "arguments": {...}}, got ${kindOf(m.params)}`,
      );
    const { name, arguments: args } = m.params;
    if (typeof name !== 'string')
      return fail(
        `Invalid params: tools/call needs "name", a tool name from tools/list, got ${kindOf(name)}`,
      );
    const input = Object.hasOwn(this.inputs, name) ? this.inputs[name] : undefined;
    if (!input)
      return fail(
        `Invalid params: unknown tool '${clip(name)}'; the tools are ${Object.keys(this.inputs).join(', ')}`,
      );
    if (args !== undefined && !isPlainObject(args))
      return fail(
        `Invalid params: "arguments" of ${name} must be an object of named arguments, got ${kindOf(args)}; send {} or leave it out for none`,
      );
    const parsed = input.safeParse(args ?? {});
    if (parsed.success) return null;
    const problems = parsed.error.issues.map((issue) => {
      const at = issue.path.length ? `${issue.path.join('.')}: ` : '';
      const said = issue.message
        .replace(/^Invalid input: /, '')
        .replace(/^expected (\w+), received undefined$/, 'missing ($1)');
      return oneLine(`${at}${said}`);
    });
    const result: CallToolResult = {
      isError: true,
      content: [
        {
          type: 'text',
          text: `Error [InvalidInput]: Input validation error in ${name}: ${problems.join('; ')}.`,
        },
      ],
    };
    return { jsonrpc: '2.0', id, result } as JSONRPCMessage;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `null`, `an array`, `a string`, … : what a client sent, without repeating it. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function clip(text: string): string {
  return oneLine(text.length > ECHO_CHARS ? `${text.slice(0, ECHO_CHARS)}…` : text);
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' ');
}
