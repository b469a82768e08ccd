import { readJsonLines } from '../common/json-lines.js';
import { isTopic, type Topic } from './topics.js';

/** An article of the shipped training corpus, labelled with its topic (read by the classifier and the keyword extractor). */
export interface TrainingExample {
  title: string;
  body: string;
  topic: Topic;
}

export const SHIPPED_CORPUS = new URL('./corpus/training.jsonl', import.meta.url);

/** Reads and validates a JSON-lines file of `{title, body, topic}` training examples. */
export function readTrainingExamples(path: string | URL = SHIPPED_CORPUS): TrainingExample[] {
  return readJsonLines(path, ({ title, body, topic }) =>
    typeof title === 'string' && typeof body === 'string' && typeof topic === 'string' && isTopic(topic)
      ? { title, body, topic }
      : 'needs string "title", "body" and a known "topic"',
  );
}
