import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import type { ViewerEnd } from './llm-message.js';
import { PROVIDERS, type ProviderName } from './providers/token-provider.js';

export const STREAM_ID_PATTERN = /^(?!\.\.?$)[A-Za-z0-9._-]{1,128}$/;

/** `join` on `/llm`: watch stream `id` from token `from` (default 0). */
export class JoinStreamDto {
  @Matches(STREAM_ID_PATTERN, { message: 'id must be a stream id' })
  id!: string;

  @IsOptional()
  @IsInt({ message: 'from must be a non-negative integer' })
  @Min(0, { message: 'from must be a non-negative integer' })
  from?: number;
}

export class CreateStreamDto {
  @ApiProperty({
    description: 'The user prompt (with system, at most LLM_MAX_INPUT_CHARS characters)',
    example: 'Explain Valkey streams',
  })
  @IsString({ message: 'prompt must be a string' })
  @Matches(/\S/, { message: 'prompt must not be empty' })
  prompt!: string;

  @ApiPropertyOptional({
    description: 'Client-chosen stream id, so a subscriber can attach before the first token; 409 if it exists',
    example: 'demo-1',
  })
  @IsOptional()
  @IsString()
  @Matches(STREAM_ID_PATTERN, { message: 'id must be 1-128 characters of letters, digits, . _ - (and not . or ..)' })
  id?: string;

  @ApiPropertyOptional({ enum: PROVIDERS, default: 'simulated' })
  @IsOptional()
  @IsIn(PROVIDERS, { message: `provider must be one of ${PROVIDERS.join(', ')}` })
  provider?: ProviderName;

  @ApiPropertyOptional({
    description:
      "Upstream model: the provider's configured model (the default) or one listed in LLM_MODELS; another is a 400",
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  model?: string;

  @ApiPropertyOptional({
    description:
      'Most tokens to generate, 1..LLM_MAX_TOKENS; default LLM_DEFAULT_MAX_TOKENS (the simulated model answers ' +
      'exactly this many; its default is 64)',
  })
  @IsOptional()
  @IsInt({ message: 'max_tokens must be an integer' })
  @Min(1, { message: 'max_tokens must be between 1 and LLM_MAX_TOKENS' })
  max_tokens?: number;

  @ApiPropertyOptional({ description: 'System prompt (counts towards LLM_MAX_INPUT_CHARS with prompt)' })
  @IsOptional()
  @IsString()
  system?: string;
}

export class CreatedStreamDto {
  @ApiProperty({ example: 'demo-1' }) id!: string;
  @ApiProperty({ description: 'Valkey Pub/Sub channel carrying the JSON messages', example: 'llm:stream:demo-1' })
  channel!: string;
  @ApiProperty({
    description:
      'A token that reads this one stream (status, /events also as ?access_token=, the /llm join); valid as long as its log',
  })
  viewer_token!: string;
}

export class StreamStatusDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['running', 'done', 'cancelled', 'error'] }) status!: string;
  @ApiProperty({ description: 'The tokens logged so far, concatenated' }) text!: string;
  @ApiProperty({ description: 'Number of tokens logged so far' }) tokens!: number;
  @ApiProperty() model!: string;
  @ApiProperty({
    enum: [...PROVIDERS, 'external'],
    description: 'external: a stream captured from a publisher outside Skein (LLM_CAPTURE_WAIT_MS)',
  })
  provider!: string;
  @ApiProperty({ description: 'ISO 8601' }) created_at!: string;
  @ApiPropertyOptional({ description: 'Why the stream failed (status error)' }) error?: string;
}

export class CancelledStreamDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['running', 'done', 'cancelled', 'error'], description: 'Status after the request' })
  status!: string;
}

/** A read of a stream from a token index (MCP `read_generation`). */
export interface StreamReadDto {
  id: string;
  status: 'running' | 'done' | 'cancelled' | 'error';
  /** The end was read: nothing follows. */
  done: boolean;
  tokens: { index: number; content: string }[];
  text: string;
  /** The index to read from next. */
  next: number;
  end?: ViewerEnd;
}
