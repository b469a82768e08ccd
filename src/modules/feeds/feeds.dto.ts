import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, ValidateBy } from 'class-validator';
import { LimitQueryDto } from '../../http/limit-query.dto.js';
import { isEntryId, LAST_ENTRY_ID } from '../../streams/stream-entry.js';
import { TOPICS } from '../../news/topics.js';
import { StreamStatsDto } from '../../http/stream-stats.dto.js';

export { USER_ID_PATTERN } from '../../news/user-id.js';
/** A feed stream entry id that Valkey can read after: an entry id, and not the largest id of all. */
export function isFeedCursor(value: string): boolean {
  return isEntryId(value) && value !== LAST_ENTRY_ID;
}

/** `feed:sync` on `/feeds`: everything after a cursor. */
export class FeedSyncDto {
  @ValidateBy({
    name: 'isFeedCursor',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isFeedCursor(value),
      defaultMessage: () => 'payload must be {after: cursor} with a cursor from feed:item (e.g. "1700000000000-0")',
    },
  })
  after!: string;
}

export class TopicsDto {
  @ApiProperty({
    description: 'The full set of topics to follow (replaces the previous set)',
    enum: TOPICS,
    isArray: true,
    example: ['technology', 'science'],
  })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  topics!: string[];
}

export class FeedQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({ description: 'Opaque cursor: `next_before` of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,20}$/, { message: 'before must be the next_before value of a previous page' })
  before?: string;
}

export class TopicArticlesQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({ description: 'Cursor: `next_before` of the previous page (a topic stream entry id)' })
  @IsOptional()
  @Matches(/^\d{1,20}-\d{1,20}$/, { message: 'before must be the next_before value of a previous page' })
  before?: string;
}

export class UserDto {
  @ApiProperty({ example: '42' }) id!: string;
  @ApiProperty({ enum: TOPICS, isArray: true }) topics!: string[];
  @ApiPropertyOptional({ description: 'Last feed read or socket connection (ISO 8601); absent if never active' })
  active_at?: string;
}

/** What a list of whole articles holds: a page bounded by `limit` and by LIST_MAX_BYTES. */
const LIST_ITEMS =
  'Whole articles (body included), newest first: up to `limit` of them and 1 MiB of JSON per response (always at ' +
  'least one article), so a page may hold fewer than `limit`; `next_before` then continues it';

export class FeedPageDto {
  @ApiProperty({ description: LIST_ITEMS, type: 'array', items: { type: 'object' } })
  items!: Record<string, unknown>[];
  @ApiPropertyOptional({ description: 'Pass as `before` for the next (older) page; absent on the last page' })
  next_before?: string;
}

export class TopicSummaryDto {
  @ApiProperty({ enum: TOPICS }) name!: string;
  @ApiProperty({ description: 'Articles held in topic:{name} (capped at TOPIC_STREAM_MAXLEN)' }) articles!: number;
}

export class TopicListDto {
  @ApiProperty({ type: [TopicSummaryDto] }) topics!: TopicSummaryDto[];
}

export class ArticleListDto {
  @ApiProperty({ description: LIST_ITEMS, type: 'array', items: { type: 'object' } })
  items!: Record<string, unknown>[];
  @ApiPropertyOptional({ description: 'Pass as `before` for the next (older) page; absent on the last page' })
  next_before?: string;
}

export class PipelineStatsDto {
  @ApiProperty({ type: [StreamStatsDto] }) streams!: StreamStatsDto[];
}
