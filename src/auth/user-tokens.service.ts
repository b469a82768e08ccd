import { BadRequestException, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { TokenSigner } from './token-signer.js';

@Injectable()
export class UserTokenService {
  constructor(
    private readonly signer: TokenSigner,
    private readonly config: AppConfig,
  ) {}

  /** A token for one user, valid `ttlSeconds` (default AUTH_USER_TOKEN_TTL_SECONDS). */
  async mint(userId: string, ttlSeconds?: number): Promise<{ token: string; expires_at: string }> {
    const { AUTH_USER_TOKEN_TTL_SECONDS, AUTH_USER_TOKEN_MAX_TTL_SECONDS } = this.config.env;
    const ttl = ttlSeconds ?? AUTH_USER_TOKEN_TTL_SECONDS;
    if (ttl > AUTH_USER_TOKEN_MAX_TTL_SECONDS) {
      throw new BadRequestException(
        `ttl_seconds must be at most ${AUTH_USER_TOKEN_MAX_TTL_SECONDS} (AUTH_USER_TOKEN_MAX_TTL_SECONDS)`,
      );
    }
    const { token, expiresAt } = await this.signer.sign('user', userId, ttl);
    return { token, expires_at: expiresAt.toISOString() };
  }
}
