import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../../config/config.js';
import { roleModule } from '../../../config/role-module.js';
import { WebController } from './web.controller.js';

/** The web page at `/`, served by `api` replicas only. */
@Module({})
export class WebModule {
  static register(config: AppConfig): DynamicModule {
    return roleModule(WebModule, config, { controllers: [WebController] });
  }
}
