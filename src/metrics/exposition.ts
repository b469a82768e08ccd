import { register, Registry, type OpenMetricsContentType } from 'prom-client';

export const PROMETHEUS_TEXT = Registry.PROMETHEUS_CONTENT_TYPE;
export const OPENMETRICS_TEXT = Registry.OPENMETRICS_CONTENT_TYPE;

/** A metric family as prom-client's registry holds it: its type and its samples. */
interface Family {
  get(): Promise<{ name: string }>;
}

/** prom-client's formatter of one family, which its typings leave out. */
interface FamilyFormatter {
  getMetricsAsString(family: Family): Promise<string>;
}

/** Formats families in the OpenMetrics text format; holds no metric of its own. */
const openMetricsFormatter = ((): FamilyFormatter => {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(OPENMETRICS_TEXT);
  return registry as unknown as FamilyFormatter;
})();

/**
 * Whether a scraper's Accept header prefers the OpenMetrics text format (Prometheus sends
 * `application/openmetrics-text;version=1.0.0,…,text/plain;version=0.0.4;q=0.5,…`) to the Prometheus text format.
 * No header, or one that does not name OpenMetrics: the Prometheus text format, as before exemplars.
 */
export function prefersOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  let openMetrics = 0;
  let text = 0;
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const quality = params.find((param) => param.startsWith('q='));
    const q = quality === undefined ? 1 : Number(quality.slice(2));
    if (!Number.isFinite(q)) continue;
    if (type === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, q);
    else if (type === 'text/plain') text = Math.max(text, q);
  }
  return openMetrics > 0 && openMetrics >= text;
}

/**
 * The whole registry in the OpenMetrics text format, the one that carries exemplars (`… # {trace_id="…"} value ts`).
 * Not prom-client's own switch (`setContentType` then `metrics()`): that renames every counter in place, dropping
 * `_total` from the Prometheus text format for good, and is one setting for two concurrent scrapes of two formats.
 */
export async function openMetrics(): Promise<string> {
  const families = await Promise.all(
    (register.getMetricsAsArray() as unknown as (Family & { type: string })[]).map((metric) =>
      openMetricsFormatter.getMetricsAsString(metric.type === 'counter' ? counterFamily(metric) : metric),
    ),
  );
  return `${families.join('\n')}\n# EOF\n`;
}

/** A counter as OpenMetrics names it: the family without `_total`, which the formatter puts back on each sample. */
function counterFamily(metric: Family): Family {
  return {
    get: async () => {
      const family = await metric.get();
      return { ...family, name: family.name.replace(/_total$/, '') };
    },
  };
}

/** The exposition a scrape asked for: its content type and its text. */
export async function exposition(accept: string | undefined): Promise<{ contentType: string; body: string }> {
  return prefersOpenMetrics(accept)
    ? { contentType: OPENMETRICS_TEXT, body: await openMetrics() }
    : { contentType: PROMETHEUS_TEXT, body: await register.metrics() };
}
