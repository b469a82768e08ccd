import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { assertBodyDepth } from './body-depth.js';
import { VALIDATION_RULES } from './fast-route.js';

/**
 * The app's global pipe: a body too deep to transform is a 400 before class-transformer recurses into it. Only for
 * values the pipe transforms (a DTO class): a gateway's `unknown` payload passes untouched to its handler, which
 * answers bad input itself (an exception here would reach a Socket.IO client as "Internal server error").
 */
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super({ ...VALIDATION_RULES, transform: true });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && this.toValidate(metadata)) assertBodyDepth(value);
    return super.transform(value, metadata) as Promise<unknown>;
  }
}
