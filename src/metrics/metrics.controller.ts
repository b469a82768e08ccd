import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access } from '../auth/access.decorator.js';
import { exposition, OPENMETRICS_TEXT, PROMETHEUS_TEXT } from './exposition.js';

@ApiTags('operations')
@Access.metrics()
@Controller('metrics')
export class MetricsController {
  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics (prefix skein_), served by every replica',
    description:
      'The Prometheus text format by default; the OpenMetrics text format, which carries trace ids as exemplars on ' +
      'the latency histograms, when the Accept header prefers application/openmetrics-text (as Prometheus sends it).',
  })
  @ApiProduces(PROMETHEUS_TEXT, OPENMETRICS_TEXT)
  async scrape(
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const { contentType, body } = await exposition(accept);
    res.setHeader('Content-Type', contentType);
    res.setHeader('Vary', 'Accept');
    return body;
  }
}
