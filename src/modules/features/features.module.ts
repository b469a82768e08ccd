import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../config/config.js';
import { roleModule } from '../../config/role-module.js';
import { FeaturePushService } from './feature-push.service.js';
import { FeatureRegistry } from './feature-registry.service.js';
import { FeatureRowIndex } from './feature-row-index.js';
import { FeatureStreamService } from './feature-stream.service.js';
import { FeaturesController } from './features.controller.js';
import { FeatureMetrics } from './features.metrics.js';
import { FeaturesTools } from './features.tools.js';
import { FeatureMaterializer, FeatureWorkerSupervisor } from './features.worker.js';
import { OnlineFeaturesService } from './online-features.service.js';
import { OnlineReadRoute } from './online-read.route.js';

/** Online feature store: registry, push, per-view materializers (role `features`), online reads (role `api`). */
@Module({})
export class FeaturesModule {
  static register(config: AppConfig): DynamicModule {
    return roleModule(FeaturesModule, config, {
      providers: [FeatureMetrics, FeatureRegistry, FeatureMaterializer, FeatureWorkerSupervisor, FeatureRowIndex],
      controllers: [FeaturesController],
      apiProviders: [FeaturePushService, OnlineFeaturesService, OnlineReadRoute, FeatureStreamService, FeaturesTools],
      exports: [FeatureRegistry, FeatureMaterializer, FeatureWorkerSupervisor],
    });
  }
}
