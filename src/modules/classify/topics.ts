// The topics live in src/news/ (shared by several stages); this re-export keeps chaos/workload.ts's import working
// until that file (left alone here) imports src/news/topics.js itself.
export { isTopic, TOPICS, type Topic } from '../../news/topics.js';
