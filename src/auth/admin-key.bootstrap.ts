import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { AppConfig } from '../config/config.js';
import { ApiKeyRepository } from './api-keys.repository.js';

/** The id AUTH_ADMIN_KEY is stored under, and the id of the key a first start makes without it. */
const CONFIGURED_ADMIN = 'admin-env';
const FIRST_ADMIN = 'admin-first';

/**
 * Makes sure someone can administer the keys: AUTH_ADMIN_KEY is stored as an admin key (replacing an earlier value);
 * without it, the first start makes one and writes it to AUTH_ADMIN_KEY_FILE (mode 600), logging only the path.
 */
@Injectable()
export class AdminKeyBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');
  /** The admin key this start can show its operator (the configured one, or the one in the file), if any. */
  shown?: string;

  constructor(
    private readonly config: AppConfig,
    private readonly keys: ApiKeyRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { AUTH_DISABLED, AUTH_ADMIN_KEY, AUTH_ADMIN_KEY_FILE, HOST } = this.config.env;
    if (AUTH_DISABLED) {
      this.logger.warn(
        `AUTH_DISABLED=true: every route and socket is open (allowed only because HOST=${HOST} is loopback)`,
      );
      return;
    }
    if (AUTH_ADMIN_KEY) {
      await this.keys.put(CONFIGURED_ADMIN, 'AUTH_ADMIN_KEY', ['admin'], AUTH_ADMIN_KEY);
      this.shown = AUTH_ADMIN_KEY;
      return;
    }
    const file = resolve(AUTH_ADMIN_KEY_FILE);
    const created = await this.keys.createOnce(FIRST_ADMIN, 'first start', ['admin']);
    if (created) {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, `${created}\n`, { mode: 0o600 });
      this.logger.warn(
        `created the first admin API key and wrote it to ${file} (set AUTH_ADMIN_KEY to choose your own; ` +
          `revoke this one with DELETE /auth/keys/${FIRST_ADMIN})`,
      );
      this.shown = created;
      return;
    }
    const inFile = await readFile(file, 'utf8').then(
      (text) => text.trim(),
      () => undefined,
    );
    if (inFile && (await this.keys.verify(inFile))) this.shown = inFile;
  }
}
