import { describe, expect, it } from '@jest/globals';
import { Controller, Get, HttpException, HttpStatus, Module, ServiceUnavailableException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderedExceptionFilter, type HeaderedException } from './headered-exception.filter.js';

class TooManyPushes extends HttpException implements HeaderedException {
  readonly headers = { 'Retry-After': '7' };
  constructor() {
    super('too many pushes; retry after 7 s', HttpStatus.TOO_MANY_REQUESTS);
  }
}

class Overloaded extends ServiceUnavailableException implements HeaderedException {
  get headers(): Record<string, string> {
    return { 'Retry-After': '2' };
  }
}

@Controller()
class ThrowingController {
  @Get('429')
  tooMany(): never {
    throw new TooManyPushes();
  }

  @Get('503')
  overloaded(): never {
    throw new Overloaded('overloaded');
  }

  @Get('400')
  bad(): never {
    throw new HttpException('bad', HttpStatus.BAD_REQUEST);
  }
}

@Module({ controllers: [ThrowingController] })
class ThrowingModule {}

describe('HeaderedExceptionFilter', () => {
  it('answers every 429/503 that carries headers with them (Retry-After), the body as Nest makes it', async () => {
    const app = await NestFactory.create(ThrowingModule, { logger: false });
    app.useGlobalFilters(new HeaderedExceptionFilter(app.getHttpAdapter()));
    await app.listen(0, '127.0.0.1');
    try {
      const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
      const answers = await Promise.all(
        ['429', '503', '400'].map(async (path) => {
          const res = await fetch(`http://127.0.0.1:${port}/${path}`);
          return [res.status, res.headers.get('retry-after'), await res.json()];
        }),
      );
      expect(answers).toEqual([
        [429, '7', { statusCode: 429, message: 'too many pushes; retry after 7 s' }],
        [503, '2', { statusCode: 503, error: 'Service Unavailable', message: 'overloaded' }],
        [400, null, { statusCode: 400, message: 'bad' }],
      ]);
    } finally {
      await app.close();
    }
  });
});
