import { DiscoveryService } from '@nestjs/core';
import type { Role } from '../config/roles.js';

/** Marks a provider as a stream stage; the worker host starts it when this replica has the role. */
export const StageWorker = DiscoveryService.createDecorator<Role>();
