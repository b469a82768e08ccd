/** The closed set of topics the pipeline classifies articles into. */
export const TOPICS = [
  'politics',
  'business',
  'technology',
  'sports',
  'health',
  'climate',
  'science',
  'education',
  'entertainment',
  'finance',
] as const;

export type Topic = (typeof TOPICS)[number];

const TOPIC_SET: ReadonlySet<string> = new Set(TOPICS);

export function isTopic(s: string): s is Topic {
  return TOPIC_SET.has(s);
}
