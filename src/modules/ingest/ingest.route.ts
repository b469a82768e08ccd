import { HttpStatus, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppConfig } from '../../config/config.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { FastRoute } from '../../http/fast-route.js';
import { ArticleDto, type AcceptedDto } from './article.dto.js';
import { IngestController } from './ingest.controller.js';
import { IngestService } from './ingest.service.js';
import { AccessService } from '../../auth/access.service.js';

/** `POST /articles`, one article per request from any producer, is the pipeline's hot path: served ahead of Express. */
@Injectable()
export class IngestRoute extends FastRoute<ArticleDto> {
  constructor(
    adapterHost: HttpAdapterHost,
    config: AppConfig,
    valkey: ValkeyService,
    access: AccessService,
    private readonly ingest: IngestService,
  ) {
    super(adapterHost, config, valkey, access, '/articles', ArticleDto, HttpStatus.ACCEPTED, [
      IngestController,
      'create',
    ]);
  }

  protected async handle(article: ArticleDto): Promise<AcceptedDto> {
    const { ids } = await this.ingest.acceptRequest([article], false);
    return { id: ids[0] };
  }
}
