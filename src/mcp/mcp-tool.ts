import { SetMetadata, type Type } from '@nestjs/common';
import type { z, ZodRawShape } from 'zod';
import type { AccessRule, Principal } from '../auth/access-rule.js';
import { AppValidationPipe } from '../http/validation.pipe.js';

/** Metadata key marking a provider whose `tools()` the MCP server serves. */
export const MCP_TOOLS = 'skein:mcp-tools';

type Args<Shape extends ZodRawShape> = z.infer<z.ZodObject<Shape>>;

/**
 * One MCP tool, the twin of a REST route: declared by the stage that owns the route (beside its controller), served by
 * src/modules/mcp. The server checks `access` with AccessService before `run`, which calls the route's service.
 */
export interface McpTool<In extends ZodRawShape = ZodRawShape, Out extends ZodRawShape = ZodRawShape> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** The arguments' types (the JSON schema clients see); `run` checks the REST rules beyond them. */
  readonly input: In;
  readonly output: Out;
  /** The REST twin's `@Access…` rule and its parameters, drawn from the arguments. */
  access(args: Args<In>): { rule: AccessRule; params?: Record<string, string> };
  run(args: Args<In>, caller: Principal, signal: AbortSignal): Promise<Args<Out>>;
}

/** Declares a tool with its argument and result types inferred from its schemas. */
export function mcpTool<In extends ZodRawShape, Out extends ZodRawShape>(tool: McpTool<In, Out>): McpTool<In, Out> {
  return tool;
}

/** A provider contributing tools to the MCP server (found at start by its `@McpTools()` mark). */
export interface McpToolSource {
  tools(): McpTool[];
  /** Resource templates beside the tools (the same `@McpTools()` provider). */
  resources?(): McpResource[];
}

export const McpTools = (): ClassDecorator => SetMetadata(MCP_TOOLS, true);

const pipe = new AppValidationPipe();

/**
 * The arguments as the REST route's DTO, through the app's own ValidationPipe: the same rules, and a 400 whose
 * messages name the fields as the route's do.
 */
export async function asDto<Dto extends object>(dto: Type<Dto>, value: object, type: 'body' | 'query'): Promise<Dto> {
  return (await pipe.transform(value, { type, metatype: dto })) as Dto;
}

/**
 * One MCP resource template, the twin of a REST read (`skein://users/{uid}/feed` of `GET /users/{uid}/feed`): read
 * with resources/read under the REST twin's access rule; resources/subscribe (sessions only) runs `watch`, and the
 * server sends notifications/resources/updated each time it calls `changed`.
 */
export interface McpResource {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** An RFC 6570 template, e.g. `skein://llm/streams/{id}`. */
  readonly uriTemplate: string;
  access(vars: Record<string, string>): { rule: AccessRule; params?: Record<string, string> };
  /** What the REST twin answers, as JSON; throws its HttpException (400 for a bad id, 404 for an unknown stream). */
  read(vars: Record<string, string>, signal: AbortSignal): Promise<object>;
  /** Calls `changed` whenever what `read` answers has changed, until `signal` aborts or nothing more can change. */
  watch(vars: Record<string, string>, changed: () => void, signal: AbortSignal): Promise<void>;
}
