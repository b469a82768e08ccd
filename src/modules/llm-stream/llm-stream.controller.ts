import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ConnectionLimiter } from '../../http/connection-limiter.js';
import { CancelledStreamDto, CreatedStreamDto, CreateStreamDto, StreamStatusDto } from './llm-stream.dto.js';
import { LlmStreamService } from './llm-stream.service.js';
import { callerOf } from '../../auth/access.guard.js';
import { SseLeases } from '../../auth/sse-leases.js';
import { EventStreamSink, SseViewerSink } from './sse-viewer.js';
import { UiMessageStreamSink } from './ui-message-stream.js';
import { Access } from '../../auth/access.decorator.js';

/** A viewer route's 404: with LLM_CAPTURE_WAIT_MS set, an unknown id first waits for an outside publisher. */
const CAPTURE_NOT_FOUND =
  'Unknown (or expired) stream; with LLM_CAPTURE_WAIT_MS set, also nothing published on llm:stream:{id} by a ' +
  'publisher outside Skein within that time (what it publishes afterwards is captured into the log and served)';

@ApiTags('llm')
@Controller('llm/streams')
export class LlmStreamController {
  constructor(
    private readonly streams: LlmStreamService,
    private readonly leases: SseLeases,
    private readonly connections: ConnectionLimiter,
  ) {}

  @Post()
  @Access.scope('llm')
  @ApiOperation({
    summary: 'Start a token stream',
    description:
      'Queues the generation on llm:requests (any llm replica runs it). Messages are published as JSON on the returned ' +
      'channel, each with timestamp in epoch seconds: start {request_id, model}, token {content, index}, then always ' +
      'end {request_id, total_tokens, reason?} (reason length, cancelled or error); a failed stream sends error ' +
      '{message} just before its end.',
  })
  @ApiCreatedResponse({ type: CreatedStreamDto })
  @ApiBadRequestResponse({
    description:
      'prompt empty, prompt and system together over LLM_MAX_INPUT_CHARS, unknown or unconfigured provider, a model ' +
      "other than the provider's default and LLM_MODELS, max_tokens out of range",
  })
  @ApiConflictResponse({ description: 'A stream with this id already exists' })
  @ApiServiceUnavailableResponse({
    description: 'LLM_MAX_BACKLOG requests wait for generation on llm:requests; see Retry-After',
  })
  start(@Body() request: CreateStreamDto, @Req() req: Request): Promise<CreatedStreamDto> {
    return this.streams.start(request, callerOf(req));
  }

  @Get(':id')
  @Access.stream('id')
  @ApiOperation({ summary: 'Status and text so far of a token stream' })
  @ApiOkResponse({ type: StreamStatusDto })
  @ApiNotFoundResponse({ description: 'Unknown (or expired) stream' })
  status(@Param('id') id: string): Promise<StreamStatusDto> {
    return this.streams.status(id);
  }

  @Delete(':id')
  @Access.scope('llm')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Cancel a token stream: viewers get end with reason cancelled, the upstream call is aborted',
  })
  @ApiOkResponse({
    type: CancelledStreamDto,
    description: 'The status after the request (a finished stream keeps its own)',
  })
  @ApiNotFoundResponse({ description: 'Unknown (or expired) stream' })
  cancel(@Param('id') id: string): Promise<CancelledStreamDto> {
    return this.streams.cancel(id);
  }

  @Get(':id/events')
  @Access.streamEvents('id')
  @ApiOperation({
    summary: 'Server-Sent Events of a token stream',
    description:
      'event: token (id: the token index, data: {index, content}) from the start, or after Last-Event-ID, or from ?from=; ' +
      'then event: end (id: total_tokens; data: {total_tokens, reason?, message?}). A reconnect with Last-Event-ID ' +
      'past the end of a finished stream gets 204 (an EventSource stops). A viewer too slow to keep up gets end with ' +
      'reason slow_viewer.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this token index' })
  @ApiQuery({ name: 'from', required: false, type: Number, description: 'First token index to send (default 0)' })
  @ApiOkResponse({ description: 'An event stream' })
  @ApiNoContentResponse({ description: 'Last-Event-ID is the id of the end event of a finished stream: nothing more' })
  @ApiBadRequestResponse({ description: 'from or Last-Event-ID is not a token index' })
  @ApiNotFoundResponse({ description: CAPTURE_NOT_FOUND })
  @ApiTooManyRequestsResponse({
    description: 'The client address holds MAX_CONNECTIONS_PER_ADDRESS sockets and streams; see Retry-After',
  })
  async events(
    @Param('id') id: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Query('from') from: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const start = firstIndex(lastEventId, from);
    await this.admit(id, req, res);
    if (lastEventId?.trim() && (await this.streams.seenToTheEnd(id, start))) {
      // The client had the end (EventSource reconnects after a response ends): 204 tells it to stop.
      res.status(204).end();
      return;
    }
    await this.follow(id, start, req, () => new SseViewerSink(req, res));
  }

  @Get(':id/ui-message-stream')
  @Access.streamEvents('id')
  @ApiOperation({
    operationId: 'getUiMessageStream',
    summary: 'The stream as an AI SDK UI message stream (useChat)',
    description:
      'Server-Sent Events in the AI SDK UI message stream protocol (header x-vercel-ai-ui-message-stream: v1), ' +
      'replayed from the log then live: data: {type:start, messageId: the stream id}, {type:text-start}, one ' +
      '{type:text-delta, delta} per token, {type:text-end}, {type:finish, finishReason: stop|length|error|other}, ' +
      'then data: [DONE]. An errored stream sends {type:error, errorText} before finish, a cancelled one ' +
      '{type:abort, reason:cancelled}. The protocol has no resume point: every connection, a reconnect too, ' +
      'replays the whole message from its first token under the same messageId.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'A UI message stream' })
  @ApiNotFoundResponse({ description: CAPTURE_NOT_FOUND })
  @ApiTooManyRequestsResponse({
    description:
      'The client address holds MAX_CONNECTIONS_PER_ADDRESS sockets and streams, or the credential ' +
      'SSE_MAX_PER_CREDENTIAL event streams; see Retry-After',
  })
  async uiMessageStream(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.admit(id, req, res);
    await this.follow(id, 0, req, () => new UiMessageStreamSink(req, res, id));
  }

  /** Counts the response against the address's connections until it closes (429 over the limit); 404 if unknown. */
  private async admit(id: string, req: Request, res: Response): Promise<void> {
    this.connections.admitStream(req, res);
    if (!(await this.streams.watchable(id))) throw new NotFoundException(`stream ${id} not found`);
  }

  /**
   * Takes one of the caller's SSE_MAX_PER_CREDENTIAL leases (429 at the cap), held while the connection is open,
   * then opens the sink (the 200 and its headers) and attaches it as a viewer from token `start`.
   */
  private async follow(id: string, start: number, req: Request, open: () => EventStreamSink): Promise<void> {
    const lease = await this.leases.acquire(callerOf(req));
    const sink = open();
    sink.onClose(() => lease.release());
    const viewer = await this.streams.watch(id, start, sink).catch((error: unknown) => {
      lease.release();
      throw error;
    });
    if (viewer) sink.onClose(() => viewer.close());
  }
}

/** Last-Event-ID n resumes at n + 1; otherwise `from`, otherwise 0. */
function firstIndex(lastEventId: string | undefined, from: string | undefined): number {
  const last = lastEventId?.trim();
  if (last) {
    // Our event ids are token indexes: anything else did not come from this stream.
    if (!/^\d{1,9}$/.test(last)) throw new BadRequestException('Last-Event-ID must be a token index (an integer)');
    return Number(last) + 1;
  }
  if (from === undefined) return 0;
  if (!/^\d{1,9}$/.test(from)) throw new BadRequestException('from must be a non-negative integer');
  return Number(from);
}
