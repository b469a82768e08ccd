import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { ValkeyConnection, ValkeyService } from './valkey.service.js';

@Global()
@Module({
  providers: [
    {
      provide: ValkeyConnection,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ValkeyConnection.open(config),
    },
    ValkeyService,
  ],
  exports: [ValkeyService],
})
export class ValkeyModule {}
