import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { asDto, mcpTool, McpTools, type McpTool, type McpToolSource } from '../../mcp/mcp-tool.js';
import { FeaturePushService } from './feature-push.service.js';
import { OnlineFeaturesRequestDto, PushDto } from './features.dto.js';
import { OnlineFeaturesService } from './online-features.service.js';

/** The MCP twins of `POST /features/push` and `POST /features/get-online-features`. */
@Injectable()
@McpTools()
export class FeaturesTools implements McpToolSource {
  constructor(
    private readonly pushes: FeaturePushService,
    private readonly online: OnlineFeaturesService,
  ) {}

  tools(): McpTool[] {
    return [
      mcpTool({
        name: 'push_features',
        title: 'Push feature rows',
        description:
          'Appends up to 1000 rows to a feature view (as POST /features/push, scope features:write); they are ' +
          'materialized into the online store. One invalid row rejects the call.',
        input: {
          feature_view: z.string(),
          rows: z.array(
            z.strictObject({
              entity_id: z
                .union([z.string(), z.number()])
                .describe("For an entity with several join keys: one value per key, joined by ':'"),
              features: z.record(z.string(), z.unknown()),
              event_timestamp: z.union([z.number(), z.string()]).optional().describe('Epoch seconds or ISO 8601'),
            }),
          ),
        },
        output: { ids: z.array(z.string()).describe('Stream entry ids, in row order') },
        access: () => ({ rule: { kind: 'scope', scope: 'features:write' } }),
        run: async (args) => ({ ids: await this.pushes.push(await asDto(PushDto, args, 'body')) }),
      }),
      mcpTool({
        name: 'get_online_features',
        title: 'Read online features',
        description:
          "Latest feature values for entity rows, in Feast's shape (as POST /features/get-online-features, scope " +
          'features:read): one result per column, join keys first.',
        input: {
          features: z.array(z.string()).optional().describe('view:feature references'),
          feature_service: z.string().optional().describe('Instead of features: the features of a feature service'),
          entities: z.record(z.string(), z.array(z.unknown())).describe('join key -> values, one per entity row'),
          full_feature_names: z.boolean().optional().describe('Name columns view__feature instead of feature'),
        },
        output: {
          metadata: z.object({ feature_names: z.array(z.string()) }),
          results: z.array(
            z.object({
              values: z.array(z.unknown()),
              statuses: z.array(z.string()),
              event_timestamps: z.array(z.string()),
            }),
          ),
        },
        access: () => ({ rule: { kind: 'scope', scope: 'features:read' } }),
        run: async (args) => this.online.read(await asDto(OnlineFeaturesRequestDto, args, 'body')),
      }),
    ];
  }
}
