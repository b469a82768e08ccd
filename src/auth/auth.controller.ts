import { Body, Controller, Delete, Get, HttpCode, HttpStatus, NotFoundException, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from './access.decorator.js';
import { ApiKeyRepository } from './api-keys.repository.js';
import {
  ApiKeyListDto,
  CreatedKeyDto,
  CreateKeyDto,
  CreateUserTokenDto,
  SigningKeyDto,
  UserTokenDto,
} from './auth.dto.js';
import { UserTokenService } from './user-tokens.service.js';
import { TokenSigner } from './token-signer.js';

/** What an API key id looks like (`3f9c0a1b2c4d`, `admin-env`, `admin-first`). */
const KEY_ID_PATTERN = /^[a-z0-9-]{1,32}$/;

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly userTokens: UserTokenService,
    private readonly signer: TokenSigner,
  ) {}

  @Post('keys')
  @Access.scope('admin')
  @ApiOperation({ operationId: 'createApiKey', summary: 'Create an API key (the key is in this answer only)' })
  @ApiCreatedResponse({ type: CreatedKeyDto })
  createKey(@Body() body: CreateKeyDto): Promise<CreatedKeyDto> {
    return this.keys.create(body.name.trim(), body.scopes);
  }

  @Get('keys')
  @Access.scope('admin')
  @ApiOperation({ operationId: 'listApiKeys', summary: 'The API keys (never the keys themselves)' })
  @ApiOkResponse({ type: ApiKeyListDto })
  async listKeys(): Promise<ApiKeyListDto> {
    return { keys: await this.keys.list() };
  }

  @Delete('keys/:id')
  @Access.scope('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'revokeApiKey', summary: 'Revoke an API key on every replica (within a second)' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiNotFoundResponse({ description: 'No key with this id' })
  async revokeKey(@Param('id') id: string): Promise<void> {
    // Ids are 12 hex characters or a bootstrap name: anything else is looked up nowhere, and not echoed.
    if (!KEY_ID_PATTERN.test(id) || !(await this.keys.revoke(id)))
      throw new NotFoundException('no API key with this id');
  }

  @Post('user-tokens')
  @Access.scope('users')
  @ApiOperation({
    operationId: 'createUserToken',
    summary: "Mint a token that opens one user's feed, topics and /feeds socket, and nothing else",
  })
  @ApiCreatedResponse({ type: UserTokenDto })
  createUserToken(@Body() body: CreateUserTokenDto): Promise<UserTokenDto> {
    return this.userTokens.mint(body.user_id, body.ttl_seconds);
  }

  @Post('signing-keys/rotate')
  @Access.scope('admin')
  @ApiOperation({
    operationId: 'rotateSigningKey',
    summary: 'Sign new user and viewer tokens with a new key; tokens signed before stay valid until they expire',
  })
  @ApiCreatedResponse({ type: SigningKeyDto })
  async rotate(): Promise<SigningKeyDto> {
    return { kid: await this.signer.rotate() };
  }
}
