import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult } from '@nestjs/terminus';
import type { Response } from 'express';
import { HealthService, type HealthReport } from './health.service.js';
import { Access } from '../auth/access.decorator.js';

@ApiTags('operations')
@Access.open()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and Valkey reachability: 200 when Valkey answers, 503 naming what is down' })
  @ApiResponse({ status: 200, description: 'Healthy' })
  @ApiResponse({ status: 503, description: 'A dependency is down' })
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const report = await this.health.check();
    res.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness, the restart signal: 200 while the process and its event loop run' })
  @ApiResponse({ status: 200, description: 'The event loop runs (a stalled process does not answer at all)' })
  live(): Promise<HealthCheckResult> {
    return this.health.live();
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary:
      'Readiness, the traffic signal: 200 when Valkey answers within 1 s and the stream workers of this replica are ' +
      'running and none is stuck; 503 naming valkey or workers otherwise',
  })
  @ApiResponse({ status: 200, description: 'Ready for traffic' })
  @ApiResponse({
    status: 503,
    description: 'Not ready: `error` names valkey or workers (stuck, stopped or not started)',
  })
  ready(): Promise<HealthCheckResult> {
    return this.health.ready();
  }
}
