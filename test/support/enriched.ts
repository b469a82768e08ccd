/** The `data` of an `enriched_stream` entry for a technology article, as enrich writes it: what fanout takes in. */
export function enrichedArticle(id: string): string {
  const now = Date.now();
  return JSON.stringify({
    id,
    title: `Title ${id}`,
    body: 'Body',
    topic: 'technology',
    topic_score: 0.8,
    summary: `Summary ${id}`,
    word_count: 1,
    reading_time_seconds: 1,
    keywords: [],
    entities: [],
    ingested_at: now,
    stages: { ingest: now, classify: now, enrich: now },
  });
}
