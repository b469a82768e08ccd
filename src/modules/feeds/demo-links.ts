import { Injectable, Logger, Optional } from '@nestjs/common';
import { AdminKeyBootstrap } from '../../auth/admin-key.bootstrap.js';
import { UserTokenService } from '../../auth/user-tokens.service.js';
import { AppConfig } from '../../config/config.js';
import { Role } from '../../config/roles.js';
import { DEMO_USERS } from './demo-users.js';

/** How long the printed links open the page: a demo session, within AUTH_USER_TOKEN_MAX_TTL_SECONDS. */
const DEMO_TOKEN_TTL_SECONDS = 24 * 3600;

/** The host a browser on this machine can open for a listening HOST: a wildcard address is not one. */
export function browsableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '[::]' || host === '') return 'localhost';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** A value the shell takes as one word, whatever it holds. */
function shellQuoted(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function lifetime(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} h` : `${Math.round(seconds / 60)} min`;
}

/**
 * What `make run` shows once the app listens (SAMPLE_DATA=true, access control on, an api replica): a link per demo
 * user with a user token, and an operator link with the admin key. Credentials ride in the URL fragment, which a
 * browser never sends (no access log or Referer sees them), and are written to the terminal, never to a log line.
 */
@Injectable()
export class DemoLinks {
  private readonly logger = new Logger(DemoLinks.name);

  constructor(
    private readonly config: AppConfig,
    private readonly tokens: UserTokenService,
    @Optional() private readonly adminKey?: AdminKeyBootstrap,
  ) {}

  /** Prints the links for the app listening on `port`; a failure to mint is logged (without credentials), not thrown. */
  async print(port: number, out: NodeJS.WritableStream = process.stdout): Promise<void> {
    const { SAMPLE_DATA, AUTH_DISABLED, HOST, AUTH_USER_TOKEN_MAX_TTL_SECONDS } = this.config.env;
    if (!SAMPLE_DATA || AUTH_DISABLED || !this.config.has(Role.Api)) return;
    const base = `http://${browsableHost(HOST)}:${port}`;
    const ttl = Math.min(DEMO_TOKEN_TTL_SECONDS, AUTH_USER_TOKEN_MAX_TTL_SECONDS);
    const users: string[] = [];
    try {
      for (const uid of Object.keys(DEMO_USERS)) {
        const { token } = await this.tokens.mint(uid, ttl);
        users.push(`    ${`user ${uid}`.padEnd(12)} ${base}/?user=${encodeURIComponent(uid)}#token=${token}`);
      }
    } catch (error) {
      this.logger.warn(`could not mint the demo users' tokens: ${(error as Error).message}`);
      return;
    }
    const key = this.adminKey?.shown;
    const lines = [
      '',
      `  Skein is ready with sample data. Open a demo user's feed (each link holds a user token valid ${lifetime(ttl)}):`,
      ...users,
      key
        ? `    ${'operator'.padEnd(12)} ${base}/#key=${encodeURIComponent(key)}   (the admin API key: pipeline, dead letters, token streams)`
        : `    operator: no admin key to show here (set AUTH_ADMIN_KEY, or open ${base}/#key=<an admin key>)`,
      ...(key
        ? [
            '',
            `  The admin API key, for curl:   export KEY=${shellQuoted(key)}`,
            `    curl -H "Authorization: Bearer $KEY" ${base}/pipeline/stats`,
          ]
        : []),
      '',
      '',
    ];
    out.write(lines.join('\n'));
  }
}
