import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { AppConfig } from '../../config/config.js';
import { roleModule } from '../../config/role-module.js';
import { McpController } from './mcp.controller.js';
import { SkeinMcpServer } from './mcp.server.js';
import { McpSessions } from './mcp.sessions.js';

/** The MCP server at `/mcp` (role `api`): serves the tools the stages declare beside their controllers. */
@Module({})
export class McpModule {
  static register(config: AppConfig): DynamicModule {
    return roleModule(McpModule, config, {
      imports: [DiscoveryModule],
      controllers: [McpController],
      apiProviders: [SkeinMcpServer, McpSessions],
    });
  }
}
