import { createParser } from 'eventsource-parser';

/** Reads an SSE response to its end: its status and every event (name, id, data). */
export async function readSse(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  const events: { event?: string; id?: string; data: string }[] = [];
  if (res.status !== 200 || !res.body) return { status: res.status, events };
  const parser = createParser({ onEvent: (event) => events.push(event) });
  const decoder = new TextDecoder();
  for await (const chunk of res.body) parser.feed(decoder.decode(chunk, { stream: true }));
  return { status: res.status, events };
}
