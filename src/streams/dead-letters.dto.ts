import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';

const ENTRY_ID = /^\d{1,20}-\d{1,20}$/;
const MAX_PART = 2n ** 64n - 1n;

/** A stream entry id, `ms-seq`, each part an unsigned 64-bit number (Valkey refuses anything else). */
export function isEntryId(value: unknown): value is string {
  if (typeof value !== 'string' || !ENTRY_ID.test(value)) return false;
  return value.split('-').every((part) => BigInt(part) <= MAX_PART);
}

/** The largest stream entry id: nothing comes after it. */
export const LAST_ENTRY_ID = `${MAX_PART}-${MAX_PART}`;

function IsEntryId(message: string, each = false): PropertyDecorator {
  return ValidateBy({ name: 'isEntryId', validator: { validate: isEntryId, defaultMessage: () => message } }, { each });
}

export class DeadLetterQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'An entry id: `next_after` of the previous page', example: '1764421234567-0' })
  @IsOptional()
  @IsEntryId('after must be a stream entry id (ms-seq)')
  after?: string;
}

export class DeadLetterIdsDto {
  @ApiPropertyOptional({
    description: 'Entry ids of dlq:{stage} (at most 1,000); absent: every entry there when the request starts',
    type: [String],
    example: ['1764421234567-0'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsEntryId('each of ids must be a stream entry id (ms-seq)', true)
  ids?: string[];
}

export class DeadLetterDto {
  @ApiProperty({ description: 'Entry id in dlq:{stage}' }) id!: string;
  @ApiProperty({ nullable: true, description: 'Why it was dead-lettered' }) error!: string | null;
  @ApiProperty({ nullable: true, description: 'The stream it came from (without KEY_PREFIX)' }) stream!: string | null;
  @ApiProperty({ nullable: true, description: 'Its id in that stream' }) source_id!: string | null;
  @ApiProperty({ nullable: true }) group!: string | null;
  @ApiProperty({ nullable: true, description: 'Deliveries when it was dead-lettered' }) deliveries!: number | null;
  @ApiProperty({ nullable: true, description: 'When it was dead-lettered (ISO 8601)' }) at!: string | null;
  @ApiProperty({ description: 'The original fields', type: 'object', additionalProperties: { type: 'string' } })
  fields!: Record<string, string>;
}

export class DeadLetterPageDto {
  @ApiProperty() stage!: string;
  @ApiProperty({ description: 'Entries in dlq:{stage}' }) length!: number;
  @ApiProperty({ type: [DeadLetterDto], description: 'Oldest first' }) entries!: DeadLetterDto[];
  @ApiPropertyOptional({ description: 'Pass as `after` for the next page; absent on the last one' })
  next_after?: string;
}

class NotReplayedDto {
  @ApiProperty() id!: string;
  @ApiProperty() reason!: string;
}

export class ReplayResultDto {
  @ApiProperty({ description: 'Entries appended again to the stream they came from' }) replayed!: number;
  @ApiProperty({ type: [NotReplayedDto] }) not_replayed!: NotReplayedDto[];
}

export class DiscardResultDto {
  @ApiProperty() deleted!: number;
}
