/** How a stage reaches a Hugging Face Inference endpoint (the classifier and the summarizer both do). */
export interface HuggingFaceOptions {
  token?: string;
  endpointUrl?: string;
  model: string;
  timeoutMs: number;
  concurrency?: number;
}
