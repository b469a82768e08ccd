import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { BacklogFullError } from './ingest.service.js';

/** 503 with Retry-After when the pipeline cannot keep up. */
@Catch(BacklogFullError)
export class BacklogFilter implements ExceptionFilter {
  catch(error: BacklogFullError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    res
      .status(error.getStatus())
      .json({ statusCode: error.getStatus(), error: 'Service Unavailable', message: error.message });
  }
}
