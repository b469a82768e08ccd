import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { asDto, mcpTool, McpTools, type McpTool, type McpToolSource } from '../../mcp/mcp-tool.js';
import { ArticleDto } from './article.dto.js';
import { IngestService } from './ingest.service.js';

/** The MCP twin of `POST /articles`. */
@Injectable()
@McpTools()
export class IngestTools implements McpToolSource {
  constructor(private readonly ingest: IngestService) {}

  tools(): McpTool[] {
    return [
      mcpTool({
        name: 'publish_article',
        title: 'Publish an article',
        description:
          'Ingests one article into the news pipeline (as POST /articles, scope ingest): it is classified into a ' +
          'topic, enriched and delivered to the feeds of the users who follow that topic. The same id twice is one article.',
        input: {
          title: z.string(),
          body: z.string(),
          id: z
            .string()
            .optional()
            .describe('Client id; without one a stable id is derived from url, or source + title'),
          url: z.string().optional(),
          source: z.string().optional(),
          published_at: z.string().optional().describe('ISO 8601'),
        },
        output: { id: z.string().describe("The article's id") },
        access: () => ({ rule: { kind: 'scope', scope: 'ingest' } }),
        run: async (args) => {
          const { ids } = await this.ingest.acceptRequest([await asDto(ArticleDto, args, 'body')], false);
          return { id: ids[0] };
        },
      }),
    ];
  }
}
