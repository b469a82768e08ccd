import type { AppConfig } from '../config/config.js';

/** What the SDK is started with: built from the configuration (src/config reads the OTEL_* variables). */
export interface TracingSettings {
  /** The full URL spans are POSTed to. */
  url: string;
  protocol: 'http/protobuf' | 'http/json';
  serviceName: string;
  serviceInstanceId: string;
}

/** The OTLP/HTTP default when OTEL_TRACES_EXPORTER=otlp names no endpoint. */
const DEFAULT_ENDPOINT = 'http://localhost:4318';

let stop: (() => Promise<void>) | undefined;

/** Whether this process started the SDK: off, nothing records a span or writes a `traceparent`. */
export function tracingOn(): boolean {
  return stop !== undefined;
}

/**
 * The tracing settings of a configuration, or undefined when tracing is off: on with an OTLP endpoint set or
 * OTEL_TRACES_EXPORTER=otlp, off with OTEL_TRACES_EXPORTER=none or neither.
 */
export function tracingSettings(config: AppConfig): TracingSettings | undefined {
  const env = config.env;
  const endpointGiven = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  if (env.OTEL_TRACES_EXPORTER === 'none') return undefined;
  if (env.OTEL_TRACES_EXPORTER !== 'otlp' && !endpointGiven) return undefined;
  // The specification's rule: the signal's own endpoint is used as is, the base endpoint gets the signal's path.
  const url =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    `${(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_ENDPOINT).replace(/\/+$/, '')}/v1/traces`;
  return {
    url,
    protocol: env.OTEL_EXPORTER_OTLP_PROTOCOL,
    serviceName: env.OTEL_SERVICE_NAME,
    serviceInstanceId: config.consumerName,
  };
}

/**
 * Starts the OpenTelemetry SDK when the configuration turns tracing on; before the app is built (main.ts), so the
 * HTTP instrumentation patches the server. Off, the SDK is never loaded: the pipeline's spans are the API's no-ops.
 */
export async function startTracing(config: AppConfig): Promise<boolean> {
  const settings = tracingSettings(config);
  if (!settings || stop) return stop !== undefined;
  const { startSdk } = await import('./sdk.js');
  stop = startSdk(settings);
  return true;
}

/** Exports the spans still buffered and stops the SDK; nothing when tracing is off. */
export async function stopTracing(): Promise<void> {
  const stopping = stop;
  stop = undefined;
  await stopping?.();
}
