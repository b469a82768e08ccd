import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Put,
  Query,
  Req,
  type RawBodyRequest,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import type { FeatureView } from './feature-schema.js';
import { FeaturePushService } from './feature-push.service.js';
import { FeatureRegistry } from './feature-registry.service.js';
import { FeatureStreamService } from './feature-stream.service.js';
import {
  CreateViewDto,
  DeletedViewDto,
  EntityDto,
  FeatureServiceDto,
  FreshnessDto,
  OnlineFeaturesRequestDto,
  OnlineFeaturesResponseDto,
  PushAcceptedDto,
  PushDto,
  TrimDto,
  TrimResultDto,
  ViewDefinitionDto,
  ViewDto,
} from './features.dto.js';
import { StreamStatsDto } from '../../http/stream-stats.dto.js';
import { OnlineFeaturesService } from './online-features.service.js';
import { Access } from '../../auth/access.decorator.js';

@ApiTags('features')
@Controller('features')
export class FeaturesController {
  constructor(
    private readonly registry: FeatureRegistry,
    private readonly pushes: FeaturePushService,
    private readonly online: OnlineFeaturesService,
    private readonly streams: FeatureStreamService,
  ) {}

  @Post('entities')
  @Access.scope('features:admin')
  @ApiOperation({ summary: 'Register an entity and its join keys (the same definition again is a no-op)' })
  @ApiCreatedResponse({ type: EntityDto })
  @ApiBadRequestResponse({ description: 'Invalid name or join keys (e.g. a join key twice)' })
  @ApiConflictResponse({
    description: 'The entity exists with other join keys, or the registry holds FEATURE_REGISTRY_MAX_ENTITIES',
  })
  createEntity(@Body() entity: EntityDto): Promise<EntityDto> {
    return this.registry.createEntity({ ...entity });
  }

  @Get('entities')
  @Access.scope('features:read')
  @ApiOperation({ summary: 'List entities' })
  @ApiOkResponse({ type: [EntityDto] })
  async listEntities(): Promise<EntityDto[]> {
    return [...(await this.registry.snapshot()).entities.values()];
  }

  @Post('views')
  @Access.scope('features:admin')
  @ApiOperation({ summary: 'Register a feature view; its materializer starts on every features replica' })
  @ApiCreatedResponse({ type: ViewDto })
  @ApiBadRequestResponse({
    description:
      'Invalid definition (e.g. a feature name twice), unknown entity, more than FEATURE_MAX_FEATURES_PER_VIEW ' +
      'features or FEATURE_MAX_TAGS_PER_VIEW tags',
  })
  @ApiConflictResponse({
    description: 'A view of that name exists (use PUT), or the registry holds FEATURE_REGISTRY_MAX_VIEWS',
  })
  createView(@Body() view: CreateViewDto): Promise<FeatureView> {
    return this.registry.createView(viewInput(view.name, view));
  }

  @Get('views')
  @Access.scope('features:read')
  @ApiOperation({ summary: 'List feature views' })
  @ApiOkResponse({ type: [ViewDto] })
  async listViews(): Promise<FeatureView[]> {
    return [...(await this.registry.snapshot()).views.values()];
  }

  @Get('views/:name')
  @Access.scope('features:read')
  @ApiOperation({ summary: 'One feature view' })
  @ApiOkResponse({ type: ViewDto })
  @ApiNotFoundResponse({ description: 'No such view' })
  getView(@Param('name') name: string): Promise<FeatureView> {
    return this.registry.view(name);
  }

  @Put('views/:name')
  @Access.scope('features:admin')
  @ApiOperation({ summary: 'Change a feature view: add features, change ttl, description or tags' })
  @ApiOkResponse({ type: ViewDto })
  @ApiBadRequestResponse({
    description:
      'Invalid definition (e.g. a feature name twice, a tag that is no string), more than ' +
      'FEATURE_MAX_FEATURES_PER_VIEW features or FEATURE_MAX_TAGS_PER_VIEW tags',
  })
  @ApiNotFoundResponse({ description: 'No such view' })
  @ApiConflictResponse({ description: 'A feature was removed or retyped, or the entity changed' })
  updateView(@Param('name') name: string, @Body() view: ViewDefinitionDto): Promise<FeatureView> {
    return this.registry.updateView(name, viewInput(name, view));
  }

  @Delete('views/:name')
  @Access.scope('features:admin')
  @ApiOperation({
    summary: "Delete a feature view with its stream and online rows (found via the view's index, no SCAN)",
  })
  @ApiOkResponse({ type: DeletedViewDto })
  @ApiNotFoundResponse({ description: 'No such view' })
  deleteView(@Param('name') name: string): Promise<DeletedViewDto> {
    return this.registry.deleteView(name);
  }

  @Post('push')
  @Access.scope('features:write')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Append up to 1000 rows to fs:stream:{view}; one invalid row rejects the request' })
  @ApiAcceptedResponse({ type: PushAcceptedDto })
  @ApiBadRequestResponse({
    description:
      'A row does not match the view: the message names rows[i].features.x, rows[i].event_timestamp (out of ' +
      'range, or milliseconds) or rows[i].entity_id (a composite id needs one value per join key)',
  })
  @ApiNotFoundResponse({ description: 'No such view' })
  @ApiServiceUnavailableResponse({ description: 'Unmaterialized backlog at FEATURE_STREAM_MAXLEN; see Retry-After' })
  async push(@Body() request: PushDto, @Req() req: RawBodyRequest<Request>): Promise<PushAcceptedDto> {
    return { ids: await this.pushes.push(request, req.rawBody) };
  }

  @Post('get-online-features')
  @Access.scope('features:read')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'getOnlineFeatures',
    summary: "Latest feature values for entity rows, in Feast's response shape",
  })
  @ApiOkResponse({ type: OnlineFeaturesResponseDto })
  @ApiBadRequestResponse({
    description:
      "Unknown feature, missing join key, ':' in a composite entity's join key, both features and " +
      'feature_service, more than FEATURE_MAX_ENTITIES entities, or entities × features over FEATURE_MAX_READ_CELLS',
  })
  @ApiNotFoundResponse({ description: 'No such feature view or feature service' })
  getOnlineFeatures(@Body() request: OnlineFeaturesRequestDto): Promise<OnlineFeaturesResponseDto> {
    return this.online.read(request);
  }

  @Post('services')
  @Access.scope('features:admin')
  @ApiOperation({
    summary:
      'Register a feature service: a named list of view:feature references (the same definition again is a no-op)',
  })
  @ApiCreatedResponse({ type: FeatureServiceDto })
  @ApiBadRequestResponse({ description: 'A reference names no registered feature' })
  @ApiConflictResponse({
    description:
      'A feature service of that name exists with another definition, or the registry holds ' +
      'FEATURE_REGISTRY_MAX_SERVICES',
  })
  createService(@Body() service: FeatureServiceDto): Promise<FeatureServiceDto> {
    return this.registry.createService({ ...service });
  }

  @Get('services/:name')
  @Access.scope('features:read')
  @ApiOperation({ summary: 'One feature service' })
  @ApiOkResponse({ type: FeatureServiceDto })
  @ApiNotFoundResponse({ description: 'No such feature service' })
  getService(@Param('name') name: string): Promise<FeatureServiceDto> {
    return this.registry.service(name);
  }

  @Get('views/:name/stream')
  @Access.scope('features:read')
  @ApiOperation({ summary: "The view's stream: length, first and last ids, and per group pending and lag" })
  @ApiOkResponse({ type: StreamStatsDto })
  @ApiNotFoundResponse({ description: 'No such view' })
  streamStats(@Param('name') name: string): Promise<StreamStatsDto> {
    return this.streams.streamStats(name);
  }

  @Post('views/:name/stream/trim')
  @Access.scope('features:admin')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Trim entries every group has acknowledged (force: also unmaterialized ones)' })
  @ApiOkResponse({ type: TrimResultDto })
  @ApiBadRequestResponse({ description: 'Invalid force or maxlen, or maxlen without force' })
  @ApiNotFoundResponse({ description: 'No such view' })
  trim(@Param('name') name: string, @Body() request: TrimDto): Promise<TrimResultDto> {
    return this.streams.trim(name, request.force ?? false, request.maxlen);
  }

  @Get('views/:name/freshness')
  @Access.scope('features:read')
  @ApiOperation({ summary: 'How many of the given entities have a row within ttl, older than ttl, or none' })
  @ApiQuery({
    name: 'entity_ids',
    type: String,
    description: 'Comma-separated entity ids; the parameter may repeat (entity_ids=a&entity_ids=b,c)',
    example: 'user_001,user_002',
  })
  @ApiOkResponse({ type: FreshnessDto })
  @ApiBadRequestResponse({ description: 'No ids, or more than FEATURE_MAX_ENTITIES' })
  @ApiNotFoundResponse({ description: 'No such view' })
  freshness(@Param('name') name: string, @Query('entity_ids') ids: string | string[] = ''): Promise<FreshnessDto> {
    return this.streams.freshness(name, entityIds(ids));
  }
}

/** Ids of a query parameter given as a comma list, repeated (Express then gives an array), or both. */
function entityIds(param: unknown): string[] {
  return [param]
    .flat()
    .filter((part): part is string => typeof part === 'string')
    .flatMap((part) => part.split(','))
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
}

function viewInput(name: string, view: ViewDefinitionDto): Omit<FeatureView, 'created_at' | 'updated_at'> {
  return {
    name,
    entity: view.entity,
    features: view.features.map((field) => ({
      name: field.name,
      type: field.type,
      ...(field.type === 'VECTOR' ? { length: field.length } : {}),
    })),
    ttl_seconds: view.ttl_seconds,
    ...(view.description !== undefined ? { description: view.description } : {}),
    ...(view.tags !== undefined ? { tags: view.tags } : {}),
  };
}
