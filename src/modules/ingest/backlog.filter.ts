import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { BacklogFullError, NotDurableError } from './ingest.service.js';

/** 503 with Retry-After when the pipeline cannot keep up, or (INGEST_WAITAOF) an accept is not confirmed on disk. */
@Catch(BacklogFullError, NotDurableError)
export class BacklogFilter implements ExceptionFilter {
  catch(error: BacklogFullError | NotDurableError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    res
      .status(error.getStatus())
      .json({ statusCode: error.getStatus(), error: 'Service Unavailable', message: error.message });
  }
}
