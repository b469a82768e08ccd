import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { AppConfig } from '../../config/config.js';
import { asDto, mcpTool, McpTools, type McpResource, type McpTool, type McpToolSource } from '../../mcp/mcp-tool.js';
import { FeedRepository } from '../../news/feed.repository.js';
import { TOPICS } from '../../news/topics.js';
import { FeedQueryDto, TopicsDto } from './feeds.dto.js';
import { FeedService } from './feed.service.js';
import { UserIdPipe } from './user-id.pipe.js';

const uid = z.string().describe('The user id (1-64 of letters, digits, _ or -)');
const userIds = new UserIdPipe();

/** Newest items a read of the feed resource answers (a page of `GET /users/{uid}/feed`). */
const RESOURCE_PAGE = 20;

/**
 * The MCP twins of `GET /users/{uid}/feed` and `PUT /users/{uid}/topics`, and the resource `skein://users/{uid}/feed`.
 */
@Injectable()
@McpTools()
export class FeedsTools implements McpToolSource {
  constructor(
    private readonly feeds: FeedService,
    private readonly feedRepository: FeedRepository,
    private readonly config: AppConfig,
  ) {}

  resources(): McpResource[] {
    return [
      {
        name: 'feed',
        title: "A user's feed",
        description:
          `The newest ${RESOURCE_PAGE} items of a user's feed (as GET /users/{uid}/feed): needs a user token for that ` +
          'user or an API key with scope users. Subscribe (in a session) for notifications/resources/updated when an ' +
          'item reaches the feed.',
        uriTemplate: 'skein://users/{uid}/feed',
        access: (vars) => ({ rule: { kind: 'user', param: 'uid' }, params: { uid: vars.uid ?? '' } }),
        read: async (vars) => this.feeds.feed(userIds.transform(vars.uid ?? ''), RESOURCE_PAGE),
        watch: (vars, changed, signal) => this.watchFeed(userIds.transform(vars.uid ?? ''), changed, signal),
      },
    ];
  }

  /** Polls `feed_stream:{uid}` every FEED_RELAY_POLL_MS (one XRANGE after the last entry seen) until aborted. */
  private async watchFeed(uid: string, changed: () => void, signal: AbortSignal): Promise<void> {
    let cursor = await this.feedRepository.lastCursor(uid);
    while (!signal.aborted) {
      await sleep(this.config.env.FEED_RELAY_POLL_MS, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      const entries = await this.feedRepository.since(uid, cursor);
      const last = entries.at(-1);
      if (last) {
        cursor = last.cursor;
        changed();
      }
    }
  }

  tools(): McpTool[] {
    return [
      mcpTool({
        name: 'get_feed',
        title: "Read a user's feed",
        description:
          "A user's feed, newest first, a page at a time (as GET /users/{uid}/feed): needs a user token for that user " +
          'or an API key with scope users. Pass next_before as before for the next (older) page.',
        input: {
          uid,
          limit: z.number().optional().describe('1..1000, default 20'),
          before: z.string().optional().describe('next_before of the previous page'),
        },
        output: {
          items: z.array(z.record(z.string(), z.unknown())).describe('Whole articles, newest first'),
          next_before: z.string().optional().describe('Pass as before for the next (older) page'),
        },
        access: (args) => ({ rule: { kind: 'user', param: 'uid' }, params: { uid: args.uid } }),
        run: async (args) => {
          const user = userIds.transform(args.uid);
          const query = await asDto(FeedQueryDto, { limit: args.limit, before: args.before }, 'query');
          return this.feeds.feed(user, query.limit, query.before);
        },
      }),
      mcpTool({
        name: 'set_topics',
        title: "Set a user's topics",
        description:
          'Replaces the topics a user follows (as PUT /users/{uid}/topics): needs a user token for that user or an ' +
          `API key with scope users. Topics: ${TOPICS.join(', ')}.`,
        input: { uid, topics: z.array(z.string()).describe('The full set of topics to follow') },
        output: {
          id: z.string(),
          topics: z.array(z.string()),
          active_at: z.string().optional().describe('Last feed read or socket connection (ISO 8601)'),
        },
        access: (args) => ({ rule: { kind: 'user', param: 'uid' }, params: { uid: args.uid } }),
        run: async (args) => {
          const user = userIds.transform(args.uid);
          const { topics } = await asDto(TopicsDto, { topics: args.topics }, 'body');
          return this.feeds.setTopics(user, topics);
        },
      }),
    ];
  }
}
