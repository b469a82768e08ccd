import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { USER_ID_PATTERN, USER_ID_RULE } from '../news/user-id.js';
import { SCOPES, type Scope } from './scopes.js';

export class CreateKeyDto {
  @ApiProperty({ description: 'What the key is for (shown in listings)', example: 'rss-importer' })
  @IsString({ message: 'name must be a string' })
  @Matches(/\S/, { message: 'name must not be empty' })
  @MaxLength(100, { message: 'name must be at most 100 characters' })
  name!: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['ingest'] })
  @IsArray({ message: 'scopes must be an array' })
  @ArrayMinSize(1, { message: 'scopes must name at least one scope' })
  @ArrayMaxSize(SCOPES.length, { message: `scopes must have at most ${SCOPES.length} items` })
  @IsIn(SCOPES, { each: true, message: `each of scopes must be one of ${SCOPES.join(', ')}` })
  scopes!: Scope[];
}

export class ApiKeyDto {
  @ApiProperty({ example: '3f9c0a1b2c4d' }) id!: string;
  @ApiProperty({ example: 'rss-importer' }) name!: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes!: Scope[];
  @ApiProperty({ example: '2026-12-06T14:00:00.000Z' }) created_at!: string;
}

export class CreatedKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key itself: shown once, stored only as a hash', example: 'skein_3f9c0a1b2c4d_…' })
  key!: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] }) keys!: ApiKeyDto[];
}

export class CreateUserTokenDto {
  @ApiProperty({ example: '42' })
  @IsString({ message: 'user_id must be a string' })
  @Matches(USER_ID_PATTERN, { message: `user_id must be ${USER_ID_RULE}` })
  user_id!: string;

  @ApiPropertyOptional({
    description: 'Lifetime (default AUTH_USER_TOKEN_TTL_SECONDS, at most AUTH_USER_TOKEN_MAX_TTL_SECONDS)',
  })
  @IsOptional()
  @IsInt({ message: 'ttl_seconds must be an integer' })
  @Min(60, { message: 'ttl_seconds must be at least 60' })
  @Max(31536000, { message: 'ttl_seconds must be at most AUTH_USER_TOKEN_MAX_TTL_SECONDS' })
  ttl_seconds?: number;
}

export class UserTokenDto {
  @ApiProperty({ description: "A signed token that opens this user's feed, topics and /feeds socket" }) token!: string;
  @ApiProperty({ example: '2026-12-06T15:00:00.000Z' }) expires_at!: string;
}

export class SigningKeyDto {
  @ApiProperty({ description: 'The id (kid) of the key new tokens are signed with' }) kid!: string;
}
