import { expect } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/config/config.js';

/** The message of the ConfigError that `env` must raise (fails the test if the configuration is accepted). */
export function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('configuration was accepted');
}
