import { HttpStatus, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppConfig } from '../../config/config.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { FastRoute } from '../../http/fast-route.js';
import { OnlineFeaturesRequestDto, type OnlineFeaturesResponseDto } from './features.dto.js';
import { OnlineFeaturesService } from './online-features.service.js';
import { FeaturesController } from './features.controller.js';
import { AccessService } from '../../auth/access.service.js';

/** The online read is the feature store's hot path (a model calls it for every prediction): served ahead of Express. */
@Injectable()
export class OnlineReadRoute extends FastRoute<OnlineFeaturesRequestDto> {
  protected override readonly readOnly = true;

  constructor(
    adapterHost: HttpAdapterHost,
    config: AppConfig,
    valkey: ValkeyService,
    access: AccessService,
    private readonly online: OnlineFeaturesService,
  ) {
    super(
      adapterHost,
      config,
      valkey,
      access,
      '/features/get-online-features',
      OnlineFeaturesRequestDto,
      HttpStatus.OK,
      [FeaturesController, 'getOnlineFeatures'],
    );
  }

  protected handle(request: OnlineFeaturesRequestDto): Promise<OnlineFeaturesResponseDto> {
    return this.online.read(request);
  }
}
