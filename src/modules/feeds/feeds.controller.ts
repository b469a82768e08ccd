import { BadRequestException, Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { StreamStats } from '../../streams/stream-stats.service.js';
import type { FeedArticle } from '../../news/feed-article.js';
import { ARTICLE_ID_PATTERN, ARTICLE_ID_RULE } from '../../news/article-id.js';
import {
  ArticleListDto,
  FeedPageDto,
  FeedQueryDto,
  PipelineStatsDto,
  TopicArticlesQueryDto,
  TopicListDto,
  TopicsDto,
  UserDto,
} from './feeds.dto.js';
import { FeedService } from './feed.service.js';
import { UserIdPipe } from './user-id.pipe.js';
import { Access } from '../../auth/access.decorator.js';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly feeds: FeedService) {}

  @Put(':uid/topics')
  @Access.user('uid')
  @ApiOperation({ summary: "Replace a user's topics" })
  @ApiOkResponse({ type: UserDto })
  @ApiBadRequestResponse({ description: 'Bad user id, or an unknown topic (named in the message)' })
  setTopics(@Param('uid', UserIdPipe) uid: string, @Body() body: TopicsDto): Promise<UserDto> {
    return this.feeds.setTopics(uid, body.topics);
  }

  @Get(':uid')
  @Access.user('uid')
  @ApiOperation({
    operationId: 'getUser',
    summary: 'A user: topics and last activity (an unknown user has no topics)',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiBadRequestResponse({ description: 'Bad user id' })
  user(@Param('uid', UserIdPipe) uid: string): Promise<UserDto> {
    return this.feeds.user(uid);
  }

  @Get(':uid/feed')
  @Access.user('uid')
  @ApiOperation({
    operationId: 'getUserFeed',
    summary:
      "A user's feed, newest first, a page at a time (up to `limit` and 1 MiB per response); marks the user active " +
      "(a returning user's feed is rebuilt first)",
  })
  @ApiOkResponse({ type: FeedPageDto })
  @ApiBadRequestResponse({ description: 'Bad user id, limit or before (named in the message)' })
  feed(@Param('uid', UserIdPipe) uid: string, @Query() query: FeedQueryDto): Promise<FeedPageDto> {
    return this.feeds.feed(uid, query.limit, query.before);
  }
}

@ApiTags('topics')
@Controller('topics')
export class TopicsController {
  constructor(private readonly feeds: FeedService) {}

  @Get()
  @Access.open()
  @ApiOperation({
    operationId: 'listTopics',
    summary: 'The topics, with the number of articles each topic stream holds',
  })
  @ApiOkResponse({ type: TopicListDto })
  async topics(): Promise<TopicListDto> {
    return { topics: await this.feeds.topics() };
  }

  @Get(':topic/articles')
  @Access.scope('users')
  @ApiOperation({
    operationId: 'listTopicArticles',
    summary: "A topic's latest articles, newest first, a page at a time (up to `limit` and 1 MiB per response)",
  })
  @ApiOkResponse({ type: ArticleListDto })
  @ApiBadRequestResponse({ description: 'Bad limit or before (named in the message)' })
  @ApiNotFoundResponse({ description: 'Not one of the 10 topics' })
  articles(@Param('topic') topic: string, @Query() query: TopicArticlesQueryDto): Promise<ArticleListDto> {
    return this.feeds.topicArticles(topic, query.limit, query.before);
  }
}

@ApiTags('articles')
@Controller('articles')
export class ArticleReadController {
  constructor(private readonly feeds: FeedService) {}

  @Get(':id')
  @Access.scope('users')
  @ApiOperation({
    operationId: 'getArticle',
    summary: 'An article with topic, topic_score, summary, metadata and when each stage saw it',
  })
  @ApiOkResponse({ description: 'The enriched article', schema: { type: 'object' } })
  @ApiBadRequestResponse({ description: 'Not a valid article id' })
  @ApiNotFoundResponse({ description: 'Unknown (or not yet fanned out, or expired)' })
  article(@Param('id') id: string): Promise<FeedArticle> {
    if (!ARTICLE_ID_PATTERN.test(id)) throw new BadRequestException(ARTICLE_ID_RULE);
    return this.feeds.article(id);
  }
}

@ApiTags('pipeline')
@Controller('pipeline')
export class PipelineController {
  constructor(private readonly feeds: FeedService) {}

  @Get('stats')
  @Access.scope('ops')
  @ApiOperation({
    summary: 'Length, and per group pending and lag, of the pipeline streams and their dead-letter streams',
  })
  @ApiOkResponse({ type: PipelineStatsDto })
  async stats(): Promise<{ streams: StreamStats[] }> {
    return { streams: await this.feeds.pipelineStats() };
  }
}
