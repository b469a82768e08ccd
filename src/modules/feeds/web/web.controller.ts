import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { loadWebPage } from './web-page.js';
import { Access } from '../../../auth/access.decorator.js';

const PAGE = loadWebPage();

/** `GET /`: the single-page feed viewer (`/?user=42`); everything it shows comes from the public API and sockets. */
@ApiExcludeController()
@Access.open()
@Controller()
export class WebController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-cache')
  @Header('x-content-type-options', 'nosniff')
  @Header('referrer-policy', 'no-referrer')
  @Header('content-security-policy', PAGE.contentSecurityPolicy)
  page(): string {
    return PAGE.html;
  }
}
