import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, ValidateBy, ValidateIf } from 'class-validator';
import { LimitQueryDto } from '../http/limit-query.dto.js';
import { isEntryId } from './stream-entry.js';

function IsEntryId(message: string, each = false): PropertyDecorator {
  return ValidateBy({ name: 'isEntryId', validator: { validate: isEntryId, defaultMessage: () => message } }, { each });
}

export class DeadLetterQueryDto extends LimitQueryDto {
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
  // Absent means every entry; null is not absent (a client's null must not replay the whole stream).
  @ValidateIf((body: DeadLetterIdsDto) => body.ids !== undefined)
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
