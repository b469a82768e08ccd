import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { STAGE_ROLES } from '../config/roles.js';
import {
  DeadLetterIdsDto,
  DeadLetterPageDto,
  DeadLetterQueryDto,
  DiscardResultDto,
  ReplayResultDto,
} from './dead-letters.dto.js';
import { DeadLetterService } from './dead-letters.service.js';
import { isEntryId } from './stream-entry.js';
import { Access } from '../auth/access.decorator.js';

const UNKNOWN_STAGE = `Not a stage that dead-letters (${STAGE_ROLES.join(', ')})`;

@ApiTags('dead-letters')
@Access.scope('ops')
@Controller('dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetterService) {}

  @Get(':stage')
  @ApiOperation({
    summary:
      'Entries a stage dead-lettered, oldest first, each with why and where it came from; a page at a time (up to ' +
      '`limit` and 1 MiB per response: follow `next_after`)',
  })
  @ApiOkResponse({ type: DeadLetterPageDto })
  @ApiBadRequestResponse({ description: 'Bad limit or after (named in the message)' })
  @ApiNotFoundResponse({ description: UNKNOWN_STAGE })
  list(@Param('stage') stage: string, @Query() query: DeadLetterQueryDto): Promise<DeadLetterPageDto> {
    return this.deadLetters.list(stage, query.limit ?? 20, query.after);
  }

  @Post(':stage/replay')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Appends dead letters again to the stream they came from (new ids, original fields) and removes them from ' +
      'dlq:{stage}: the ids given, or all of them. For after the cause is fixed; an entry that fails again returns.',
  })
  @ApiOkResponse({ type: ReplayResultDto })
  @ApiBadRequestResponse({ description: 'Bad ids (named in the message)' })
  @ApiNotFoundResponse({ description: UNKNOWN_STAGE })
  replay(@Param('stage') stage: string, @Body() body: DeadLetterIdsDto): Promise<ReplayResultDto> {
    return this.deadLetters.replay(stage, body.ids);
  }

  @Delete(':stage')
  @ApiOperation({ summary: 'Deletes every entry of dlq:{stage} (those there when the request starts)' })
  @ApiOkResponse({ type: DiscardResultDto })
  @ApiNotFoundResponse({ description: UNKNOWN_STAGE })
  async discardAll(@Param('stage') stage: string): Promise<DiscardResultDto> {
    return { deleted: await this.deadLetters.discard(stage) };
  }

  @Delete(':stage/:id')
  @ApiOperation({ summary: 'Deletes one dead letter' })
  @ApiOkResponse({ type: DiscardResultDto })
  @ApiBadRequestResponse({ description: 'Not a stream entry id' })
  @ApiNotFoundResponse({ description: UNKNOWN_STAGE })
  async discard(@Param('stage') stage: string, @Param('id') id: string): Promise<DiscardResultDto> {
    if (!isEntryId(id)) throw new BadRequestException('id must be a stream entry id (ms-seq)');
    return { deleted: await this.deadLetters.discard(stage, [id]) };
  }
}
