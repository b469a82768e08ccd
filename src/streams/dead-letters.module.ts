import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { roleModule } from '../config/role-module.js';
import { DeadLettersController } from './dead-letters.controller.js';
import { DeadLetterService } from './dead-letters.service.js';

/** `/dead-letters/{stage}`: read, replay and discard what the stages dead-lettered (api replicas). */
@Module({})
export class DeadLettersModule {
  static register(config: AppConfig): DynamicModule {
    return roleModule(DeadLettersModule, config, {
      controllers: [DeadLettersController],
      providers: [DeadLetterService],
    });
  }
}
