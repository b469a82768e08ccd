import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';
import { FEATURE_TYPES, NAME_PATTERN, type FeatureType } from './feature-schema.js';

export const MAX_PUSH_ROWS = 1000;
const NAME_MESSAGE = (field: string): string => `${field} must match ${NAME_PATTERN.source}`;

/** Index of the first item whose key (a string) repeats an earlier item's, with that earlier index. */
function firstRepeat(items: unknown, key: (item: unknown) => unknown): [number, number] | undefined {
  if (!Array.isArray(items)) return undefined;
  const seen = new Map<string, number>();
  for (let i = 0; i < items.length; i++) {
    const name = key(items[i]);
    if (typeof name !== 'string') continue;
    const first = seen.get(name);
    if (first !== undefined) return [i, first];
    seen.set(name, i);
  }
  return undefined;
}

/** No two items with the same key; the message names both: `features[1].name: duplicates features[0]`. */
function NoDuplicates(key: (item: unknown) => unknown = (item) => item, suffix = ''): PropertyDecorator {
  return ValidateBy({
    name: 'noDuplicates',
    validator: {
      validate: (items: unknown) => firstRepeat(items, key) === undefined,
      defaultMessage: (args?: ValidationArguments) => {
        const [i, first] = firstRepeat(args?.value, key) ?? [0, 0];
        return `${args?.property}[${i}]${suffix}: duplicates ${args?.property}[${first}]`;
      },
    },
  });
}

/** Every value of the object is a string; the message names the first that is not: `tags.a: string expected`. */
function StringValues(): PropertyDecorator {
  const offending = (value: unknown): string | undefined =>
    typeof value === 'object' && value !== null
      ? Object.entries(value).find(([, item]) => typeof item !== 'string')?.[0]
      : undefined;
  return ValidateBy({
    name: 'stringValues',
    validator: {
      validate: (value: unknown) => offending(value) === undefined,
      defaultMessage: (args?: ValidationArguments) => `${args?.property}.${offending(args?.value)}: string expected`,
    },
  });
}

export class EntityDto {
  @ApiProperty({ example: 'user' })
  @IsString()
  @MaxLength(128)
  @Matches(NAME_PATTERN, { message: NAME_MESSAGE('name') })
  name!: string;

  @ApiProperty({
    type: [String],
    example: ['user_id'],
    description: 'Columns that identify a row; several make a composite id a:b',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(8)
  @IsString({ each: true })
  @Matches(NAME_PATTERN, { each: true, message: NAME_MESSAGE('each join key') })
  @NoDuplicates()
  join_keys!: string[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
}

export class FeatureFieldDto {
  @ApiProperty({ example: 'age' })
  @IsString()
  @MaxLength(128)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_]*$/, { message: 'name must match ^[A-Za-z0-9_]+$ and not start with _ (reserved)' })
  name!: string;

  @ApiProperty({
    enum: FEATURE_TYPES,
    example: 'INT',
    description:
      'How the value is kept in its online row fs:v1:{view}:{entity_id} (a hash, one field per feature, plain text ' +
      'for any reader doing HGETALL): INT and FLOAT in decimal (42, 0.5), STRING the text itself (gold), BOOL true ' +
      'or false, VECTOR a JSON array ([0.1,0.2]); a null value is no field. Online reads parse it back by this type.',
  })
  @IsIn(FEATURE_TYPES)
  type!: FeatureType;

  @ApiPropertyOptional({ description: 'Number of floats; required for VECTOR', example: 8 })
  @ValidateIf((field: FeatureFieldDto) => field.type === 'VECTOR' || field.length !== undefined)
  @IsInt({ message: 'length is required for VECTOR and must be an integer' })
  @Min(1)
  @Max(65536)
  length?: number;
}

export class ViewDefinitionDto {
  @ApiProperty({ example: 'user' })
  @IsString()
  @Matches(NAME_PATTERN, { message: NAME_MESSAGE('entity') })
  entity!: string;

  @ApiProperty({ type: [FeatureFieldDto], description: 'At most FEATURE_MAX_FEATURES_PER_VIEW' })
  @IsArray()
  @ArrayMinSize(1)
  // The ceiling of FEATURE_MAX_FEATURES_PER_VIEW, checked before each item is; the registry applies the limit itself.
  @ArrayMaxSize(10000)
  // ValidateNested alone passes an array in place of an item (it validates that array's items instead).
  @IsObject({ each: true, message: 'each item of $property must be an object' })
  @ValidateNested({ each: true })
  @Type(() => FeatureFieldDto)
  @NoDuplicates((field) => (field as Partial<FeatureFieldDto> | null)?.name, '.name')
  features!: FeatureFieldDto[];

  @ApiProperty({
    example: 86400,
    description: 'Max age of a value in seconds (0 = no limit); rows expire ttl after their last write',
  })
  @IsInt()
  @Min(0)
  @Max(10 * 365 * 86400)
  ttl_seconds!: number;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { team: 'ranking' },
    description: 'At most FEATURE_MAX_TAGS_PER_VIEW',
  })
  @IsOptional()
  @IsObject()
  @StringValues()
  tags?: Record<string, string>;
}

export class CreateViewDto extends ViewDefinitionDto {
  @ApiProperty({ example: 'user_profile' })
  @IsString()
  @MaxLength(128)
  @Matches(NAME_PATTERN, { message: NAME_MESSAGE('name') })
  name!: string;
}

export class ViewDto extends CreateViewDto {
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
}

export class DeletedViewDto {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Online rows removed' }) rows_removed!: number;
}

export class PushRowDto {
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'integer' }],
    example: 'user_001',
    description: "For an entity with several join keys: one non-empty value per key, joined by ':' (a:b)",
  })
  @IsDefined()
  entity_id!: string | number;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { age: 31, score: 0.82, tier: 'gold' } })
  @IsObject()
  features!: Record<string, unknown>;

  @ApiPropertyOptional({
    oneOf: [{ type: 'number' }, { type: 'string', format: 'date-time' }],
    description:
      'Event time: epoch seconds or ISO 8601, up to 9999-12-31T23:59:59Z = 253402300799 (default: the time Valkey ' +
      'appends the row to the stream, one clock for every replica; of two rows with the same event time the later ' +
      'pushed wins)',
  })
  @Allow()
  event_timestamp?: number | string;
}

export class PushDto {
  @ApiProperty({ example: 'user_profile' })
  @IsString()
  @Matches(NAME_PATTERN, { message: NAME_MESSAGE('feature_view') })
  feature_view!: string;

  @ApiProperty({ type: [PushRowDto], maxItems: MAX_PUSH_ROWS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PUSH_ROWS)
  // ValidateNested alone passes an array in place of an item (it validates that array's items instead).
  @IsObject({ each: true, message: 'each item of $property must be an object' })
  @ValidateNested({ each: true })
  @Type(() => PushRowDto)
  rows!: PushRowDto[];
}

export class PushAcceptedDto {
  @ApiProperty({ type: [String], description: 'Stream entry ids, in row order' }) ids!: string[];
}

export class OnlineFeaturesRequestDto {
  @ApiPropertyOptional({ type: [String], example: ['user_profile:age', 'user_profile:tier'] })
  @ValidateIf((req: OnlineFeaturesRequestDto) => req.feature_service === undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  features?: string[];

  @ApiPropertyOptional({ example: 'ranking_v1', description: 'Instead of features: the features of a feature service' })
  @IsOptional()
  @IsString()
  feature_service?: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: {} },
    example: { user_id: ['user_001', 'user_002'] },
  })
  @IsObject()
  entities!: Record<string, unknown[]>;

  @ApiPropertyOptional({ description: 'Name columns view__feature instead of feature' })
  @IsOptional()
  @IsBoolean()
  full_feature_names?: boolean;
}

export class OnlineMetadataDto {
  @ApiProperty({ type: [String] }) feature_names!: string[];
}

export class OnlineColumnDto {
  @ApiProperty({ type: 'array', items: {}, description: 'One value per entity row (null unless PRESENT)' })
  values!: unknown[];
  @ApiProperty({ type: [String], enum: ['PRESENT', 'NOT_FOUND', 'NULL_VALUE', 'OUTSIDE_MAX_AGE'] }) statuses!: string[];
  @ApiProperty({ type: [String], description: 'ISO 8601 event time of each value (epoch 0 when none)' })
  event_timestamps!: string[];
}

export class OnlineFeaturesResponseDto {
  @ApiProperty({ type: OnlineMetadataDto }) metadata!: OnlineMetadataDto;
  @ApiProperty({ type: [OnlineColumnDto], description: 'One result per column, join keys first' })
  results!: OnlineColumnDto[];
}

export class FeatureServiceDto {
  @ApiProperty({ example: 'ranking_v1' })
  @IsString()
  @MaxLength(128)
  @Matches(NAME_PATTERN, { message: NAME_MESSAGE('name') })
  name!: string;

  @ApiProperty({ type: [String], example: ['user_profile:age', 'user_profile:tier'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @NoDuplicates()
  features!: string[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
}

export class TrimDto {
  @ApiPropertyOptional({ description: 'Also remove entries the materializer has not acknowledged' })
  @IsOptional()
  @IsBoolean()
  force?: boolean;

  @ApiPropertyOptional({ description: 'Entries to keep (default 0); only with force: true', example: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  maxlen?: number;
}

export class TrimResultDto {
  @ApiProperty() removed!: number;
  @ApiProperty() length!: number;
  @ApiPropertyOptional({ description: 'Without force: why entries are left (not acknowledged by every group)' })
  reason?: string;
}

export class FreshnessDto {
  @ApiProperty({ description: 'Rows updated within ttl_seconds' }) fresh!: number;
  @ApiProperty({ description: 'Rows older than ttl_seconds' }) stale!: number;
  @ApiProperty({ description: 'Entities without a row' }) missing!: number;
}
