import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsPositive,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
} from 'class-validator';

/** The most `news_raw` partitions NEWS_RAW_PARTITIONS may name (classify also drains those past a lowered setting). */
export const MAX_NEWS_RAW_PARTITIONS = 64;

const BOOLEAN_VALUES: Readonly<Record<string, boolean>> = { true: true, '1': true, false: false, '0': false };

/** The one rule for every boolean variable: true/false/1/0; anything else stays a string and fails `@IsBoolean`. */
const toBoolean = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? (BOOLEAN_VALUES[value.trim().toLowerCase()] ?? value) : value;
const BOOLEAN_MESSAGE = ({ property }: { property: string }): string => `${property} must be true, false, 1 or 0`;

/**
 * Every environment variable Skein reads, with its default. Validated once at boot;
 * the README's configuration table is written from this class.
 */
export class EnvironmentVariables {
  @IsInt() @Min(1) @Max(65535) PORT = 3000;
  @IsString() HOST = '0.0.0.0';
  @IsString() ROLES = 'all';
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info';
  /**
   * `pretty`: one coloured human line per entry (pino-pretty), for a terminal. `json`: pino's JSON lines, for a log
   * collector. Unset: `json` when NODE_ENV=production (the image sets it), else `pretty`.
   */
  @IsIn(['pretty', 'json']) LOG_FORMAT: 'pretty' | 'json' = 'pretty';
  /** A byte size as body-parser reads it: a number of bytes, or a number with b, kb, mb, gb or tb. */
  @Matches(/^\d+(\.\d+)? *(b|kb|mb|gb|tb)?$/i, {
    message: 'HTTP_BODY_LIMIT must be a byte size such as 1mb, 64kb or 1048576',
  })
  HTTP_BODY_LIMIT = '1mb';
  /**
   * Comma list of origins (`https://app.example.com`) whose pages may call the API and open sockets cross-origin;
   * empty: none (the page at / is same-origin and needs no entry).
   */
  @Matches(/^\s*(https?:\/\/[^\s,/]+\s*(,\s*https?:\/\/[^\s,/]+\s*)*)?$/, {
    message:
      'CORS_ORIGINS must be a comma list of origins such as https://app.example.com (scheme, host, port; no path)',
  })
  CORS_ORIGINS = '';
  /**
   * Open Socket.IO sockets (`/feeds` and `/llm` together) and SSE streams one client address may hold on this replica;
   * 0 = no limit. Behind a reverse proxy every client has the proxy's address: raise it there.
   */
  @IsInt() @Min(0) MAX_CONNECTIONS_PER_ADDRESS = 256;
  /** Seed demo users and replay the sample corpus at start (make run turns it on). */
  @Transform(toBoolean) @IsBoolean({ message: BOOLEAN_MESSAGE }) SAMPLE_DATA = false;

  /**
   * Every route and socket open, for a local sandbox: refused at start unless HOST is a loopback address
   * (127.0.0.1, ::1, localhost).
   */
  @Transform(toBoolean) @IsBoolean({ message: BOOLEAN_MESSAGE }) AUTH_DISABLED = false;
  /** An admin API key of your choosing (at least 24 characters); without it the first start makes one. */
  @IsOptional()
  @IsString()
  @MinLength(24, { message: 'AUTH_ADMIN_KEY must be at least 24 characters (e.g. openssl rand -base64 32)' })
  AUTH_ADMIN_KEY?: string;
  /** Where the first start writes the admin key it made when AUTH_ADMIN_KEY is unset (mode 600). */
  @IsString() AUTH_ADMIN_KEY_FILE = './data/admin-key';
  /** Lifetime of a user token when POST /auth/user-tokens names none. */
  @IsInt() @Min(60) AUTH_USER_TOKEN_TTL_SECONDS = 3600;
  /** The longest lifetime a user token may be given. */
  @IsInt() @Min(60) @Max(31536000) AUTH_USER_TOKEN_MAX_TTL_SECONDS = 2592000;
  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`; unset, it is open (scrapers on a private network). */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;
  /** Requests per minute per credential (API key, user or viewer token), shared by every replica; 0 = no limit. */
  @IsInt() @Min(0) RATE_LIMIT_PER_MINUTE = 6000;
  /** New token streams per minute per credential (POST /llm/streams), shared by every replica; 0 = no limit. */
  @IsInt() @Min(0) LLM_MAX_STREAMS_PER_MINUTE = 30;
  /** Open SSE connections per credential at once, across every replica; 0 = no limit. */
  @IsInt() @Min(0) SSE_MAX_PER_CREDENTIAL = 20;
  /** MCP sessions (for resource subscriptions) one credential may hold open on a replica at once. */
  @IsInt() @Min(1) MCP_MAX_SESSIONS_PER_CREDENTIAL = 10;
  /** An MCP session with no request and no open GET stream for this long is closed (ms). */
  @IsInt() @Min(100) MCP_SESSION_IDLE_MS = 600000;

  @IsOptional()
  @Matches(/^rediss?:\/\/([^@/]*@)?[^/:@]+(:\d{1,5})?(\/\d{1,2})?$/, {
    message: 'VALKEY_URL must look like redis://[user:password@]host[:port][/db] (or rediss://)',
  })
  VALKEY_URL?: string;
  /**
   * Run on a Valkey Cluster instead of VALKEY_URL: `host:port,host:port,…` (or `redis://user:pass@host:port` items),
   * any reachable nodes of it; the client learns the rest from them.
   */
  @IsOptional()
  @Matches(/^((rediss?:\/\/([^@/,]*@)?)?[^/:@,\s]+:\d{1,5})(,\s*(rediss?:\/\/([^@/,]*@)?)?[^/:@,\s]+:\d{1,5})*$/, {
    message: 'VALKEY_CLUSTER_NODES must be host:port[,host:port…] (items may be redis://[user:password@]host:port)',
  })
  VALKEY_CLUSTER_NODES?: string;
  /** A PEM CA bundle that signed the rediss:// server's certificate (instead of the system's CAs); read once at boot. */
  @IsOptional() @IsString() VALKEY_TLS_CA?: string;
  /** A PEM client certificate for mutual TLS (with VALKEY_TLS_KEY). */
  @IsOptional() @IsString() VALKEY_TLS_CERT?: string;
  /** The PEM private key of VALKEY_TLS_CERT. */
  @IsOptional() @IsString() VALKEY_TLS_KEY?: string;
  /** The name the server's certificate must carry, when it is not VALKEY_URL's host (SNI and the check). */
  @IsOptional() @IsString() VALKEY_TLS_SERVERNAME?: string;
  /** How long start waits for VALKEY_URL to answer before it exits naming the last connection error. */
  @IsInt() @Min(100) VALKEY_CONNECT_TIMEOUT_MS = 10000;
  /**
   * A connection waiting this long for any reply (beyond a blocking read's own BLOCK time) is taken for dead — a
   * half-open socket after a partition, a stalled server — and is dropped and reconnected.
   */
  @IsInt() @Min(200) VALKEY_SOCKET_TIMEOUT_MS = 10000;
  /** How long a stop (SIGTERM, SIGINT) may take before the process exits anyway, logging that it did. */
  @IsInt() @Min(100) SHUTDOWN_TIMEOUT_MS = 20000;
  @IsString() VALKEY_DATA_DIR = './data/valkey';
  @IsString() VALKEY_SERVER_BIN = 'valkey-server';
  @IsString()
  @Matches(/^[A-Za-z0-9:_.-]*$/, { message: 'KEY_PREFIX may hold only letters, digits and : _ . -' })
  KEY_PREFIX = '';
  /** Stable part of this replica's consumer names (defaults to the host name). */
  @IsOptional() @IsString() CONSUMER_NAME?: string;

  @IsInt() @Min(10) STREAM_CLAIM_IDLE_MS = 30000;
  @IsInt() @Min(1) @Max(1000) STREAM_MAX_DELIVERIES = 5;
  @IsInt() @Min(1) @Max(10000) STREAM_BATCH_SIZE = 100;
  @IsInt() @Min(1) @Max(60000) STREAM_BLOCK_MS = 2000;
  @IsInt() @Min(1) @Max(64) STREAM_CONCURRENCY = 1;
  @IsInt() @Min(50) STREAM_TRIM_INTERVAL_MS = 5000;
  /** Most entries one `dlq:{stage}` holds; at the cap a stage leaves the entry pending instead (0 = no cap). */
  @IsInt() @Min(0) DEAD_LETTER_MAXLEN = 100000;

  @IsInt() @IsPositive() INGEST_MAX_BACKLOG = 100000;
  /**
   * Streams REST and feed ingest spread articles over (by a hash of the id): `news_raw` and `news_raw:{p1}`... each in a
   * slot of its own, each read by classify in its own consumer group. 1 = `news_raw` alone.
   */
  @IsInt() @Min(1) @Max(MAX_NEWS_RAW_PARTITIONS) NEWS_RAW_PARTITIONS = 1;
  @IsInt() @IsPositive() ARTICLE_MAX_BODY_CHARS = 100000;
  /**
   * Answer 202 only once Valkey has fsynced the article to its append-only file (WAITAOF 1 0 on the ingest
   * connection): an accepted article then survives a kill -9 of Valkey whatever its appendfsync. Needs appendonly yes.
   */
  @Transform(toBoolean) @IsBoolean({ message: BOOLEAN_MESSAGE }) INGEST_WAITAOF = false;
  /** How long ingest waits for that fsync before answering 503 with Retry-After. */
  @IsInt() @Min(1) @Max(60000) INGEST_WAITAOF_TIMEOUT_MS = 2000;
  /**
   * Comma list of article id prefixes that POST /articles may not use (400): the feed poller's ids (`rss-…`), and
   * those of producers that write `news_raw` directly, so that no REST caller claims their ids ahead of them.
   */
  @IsString() INGEST_RESERVED_ID_PREFIXES = 'rss-';
  @IsString() INGEST_FEEDS = '';
  @IsInt() @Min(1) INGEST_POLL_SECONDS = 300;

  @IsIn(['local', 'huggingface']) CLASSIFIER = 'local';
  @IsIn(['local', 'huggingface']) SUMMARIZER = 'local';
  @IsOptional() @IsString() HF_TOKEN?: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) HF_ENDPOINT_URL?: string;
  /** A separate endpoint for summaries when HF_ENDPOINT_URL serves the classifier. */
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) HF_SUMMARIZER_ENDPOINT_URL?: string;
  @IsString() HF_CLASSIFIER_MODEL = 'facebook/bart-large-mnli';
  @IsString() HF_SUMMARIZER_MODEL = 'facebook/bart-large-cnn';
  @IsInt() @Min(100) HF_TIMEOUT_MS = 10000;
  @IsInt() @Min(0) @Max(10) HF_RETRIES = 2;

  @IsInt() @Min(1) @Max(100000) FEED_MAX = 200;
  /** Packets a `/feeds` socket may have waiting to be written before it is dropped (it reconnects and syncs). */
  @IsInt() @Min(1) FEED_SOCKET_BUFFER = 1000;
  /** On a Valkey Cluster, how often the feed relay polls the feed streams of the users connected here (ms). */
  @IsInt() @Min(10) @Max(10000) FEED_RELAY_POLL_MS = 200;
  /**
   * Active followers past which fan-out leaves a topic's articles to its readers instead of writing them to every
   * follower's feed (a feed read, a socket's join and the live relay bring them in); 0: always push.
   */
  @IsInt() @Min(0) FANOUT_PULL_THRESHOLD = 50000;
  /**
   * On a Valkey Cluster, what one fanout.lua call holds: the users of one node (`node`: the script runs with
   * allow-cross-slot-keys, and a call carries as many deliveries as on one server) or of one hash slot (`slot`: every
   * script single-slot, for a server or proxy that refuses cross-slot scripts; ~1.2-1.5x the CPU per delivery).
   */
  @IsIn(['node', 'slot']) FANOUT_CLUSTER_CALLS: 'node' | 'slot' = 'node';
  @IsInt() @Min(1) ARTICLE_TTL_DAYS = 7;
  @IsInt() @Min(1) USER_ACTIVE_DAYS = 7;
  @IsInt() @Min(1) TOPIC_STREAM_MAXLEN = 10000;

  @IsInt() @Min(1) FEATURE_STREAM_MAXLEN = 1000000;
  @IsInt() @Min(1) @Max(100000) FEATURE_MAX_ENTITIES = 1000;
  /** Most values one online read may answer: entity rows times requested features. */
  @IsInt() @Min(1) FEATURE_MAX_READ_CELLS = 100000;
  /** Most entities, feature views and feature services the registry holds; one more is a 409. */
  @IsInt() @Min(1) FEATURE_REGISTRY_MAX_ENTITIES = 1000;
  @IsInt() @Min(1) FEATURE_REGISTRY_MAX_VIEWS = 1000;
  @IsInt() @Min(1) FEATURE_REGISTRY_MAX_SERVICES = 1000;
  @IsInt() @Min(1) @Max(10000) FEATURE_MAX_FEATURES_PER_VIEW = 1000;
  @IsInt() @Min(0) @Max(10000) FEATURE_MAX_TAGS_PER_VIEW = 64;
  @IsInt() @Min(1) @Max(10000) FEATURE_MATERIALIZE_BATCH = 500;
  /** How often a `features` replica removes rows that expired by their TTL from each view's index of rows. */
  @IsInt() @Min(100) FEATURE_INDEX_PRUNE_INTERVAL_MS = 3600000;

  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) LLM_OPENAI_BASE_URL?: string;
  @IsOptional() @IsString() LLM_OPENAI_API_KEY?: string;
  @IsString() LLM_OPENAI_MODEL = 'gpt-4o-mini';
  @IsString() LLM_HF_MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
  @IsInt() @Min(0) @Max(10000) LLM_SIMULATED_TOKEN_DELAY_MS = 20;
  @IsInt() @Min(100) LLM_UPSTREAM_TIMEOUT_MS = 30000;
  @IsInt() @Min(1) LLM_LOG_TTL_SECONDS = 86400;
  /**
   * How long a viewer of an unknown stream id waits for something to be published on `llm:stream:{id}` by a publisher
   * outside Skein; what is heard is captured into the stream's log. 0 (the default): no capture, an unknown id is a 404.
   */
  @IsInt() @Min(0) @Max(600000) LLM_CAPTURE_WAIT_MS = 0;
  /**
   * Comma list of the models a caller may name in `model`, beside each provider's configured default (which is always
   * allowed). Empty: a caller cannot pick a model at all, so nobody spends the operator's key on another one.
   */
  @IsString() LLM_MODELS = '';
  /** Longest input of one stream: `prompt` and `system` together, in characters. */
  @IsInt() @Min(1) LLM_MAX_INPUT_CHARS = 32000;
  @IsInt() @Min(1) LLM_MAX_TOKENS = 4096;
  /** `max_tokens` of a request that sets none (at most LLM_MAX_TOKENS; the simulated model answers 64 unless less). */
  @IsInt() @Min(1) LLM_DEFAULT_MAX_TOKENS = 256;
  /** Requests waiting for or in generation on `llm:requests` at which POST /llm/streams answers 503 with Retry-After. */
  @IsInt() @Min(1) LLM_MAX_BACKLOG = 500;
  /** Streams one `/llm` socket may watch at once; a further `join` gets an `error` event. */
  @IsInt() @Min(1) LLM_MAX_JOINS_PER_SOCKET = 32;
  @IsInt() @Min(1) LLM_VIEWER_BUFFER = 1000;
  /**
   * On a Valkey Cluster (where a message is logged, then SPUBLISHed by a second command): after this long without a
   * message on a stream, its viewers on a replica re-read its log, which finds a message whose publish was lost.
   */
  @IsInt() @Min(100) LLM_VIEWER_RECHECK_MS = 5000;
  @IsInt() @Min(1) @Max(64) LLM_CONCURRENCY = 8;

  /**
   * OpenTelemetry, by the standard variables. Tracing is on when OTEL_EXPORTER_OTLP_ENDPOINT (or
   * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set or OTEL_TRACES_EXPORTER=otlp, and off (the SDK never loaded) otherwise.
   * The SDK reads the other OTEL_* variables it knows itself (sampler, headers, timeouts).
   */
  @IsOptional() @IsIn(['otlp', 'none']) OTEL_TRACES_EXPORTER?: 'otlp' | 'none';
  /** Base URL of an OTLP/HTTP receiver; spans go to `{endpoint}/v1/traces`. */
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  /** Full URL for spans, used as is (over OTEL_EXPORTER_OTLP_ENDPOINT). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  /** OTLP over HTTP with protobuf or JSON bodies (grpc is not supported). */
  @IsIn(['http/protobuf', 'http/json']) OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' | 'http/json' = 'http/protobuf';
  @IsString() @MinLength(1) OTEL_SERVICE_NAME = 'skein';
}
