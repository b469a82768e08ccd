import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AcceptedBatchDto, AcceptedDto, ArticleBatchDto, ArticleDto } from './article.dto.js';
import { IngestService } from './ingest.service.js';
import { Access } from '../../auth/access.decorator.js';

@ApiTags('articles')
@Access.scope('ingest')
@Controller('articles')
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Ingest one article into news_raw (the same id twice is one article)' })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiBadRequestResponse({ description: 'A field is missing, of the wrong type, or unknown' })
  @ApiServiceUnavailableResponse({
    description: 'Backlog over INGEST_MAX_BACKLOG, or (INGEST_WAITAOF) not confirmed on disk in time; see Retry-After',
  })
  async create(@Body() article: ArticleDto): Promise<AcceptedDto> {
    const { ids } = await this.ingest.acceptRequest([article], false);
    return { id: ids[0] };
  }

  @Post('batch')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Ingest up to 500 articles; one bad article rejects the whole batch' })
  @ApiAcceptedResponse({ type: AcceptedBatchDto })
  @ApiBadRequestResponse({ description: 'An article is invalid; nothing was written' })
  @ApiServiceUnavailableResponse({
    description: 'Backlog over INGEST_MAX_BACKLOG, or (INGEST_WAITAOF) not confirmed on disk in time; see Retry-After',
  })
  async createBatch(@Body() batch: ArticleBatchDto): Promise<AcceptedBatchDto> {
    const { ids } = await this.ingest.acceptRequest(batch.articles, true);
    return { ids };
  }
}
