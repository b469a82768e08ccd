/** Awaits a pipeline and throws its first error, so a failed write is never acknowledged as done. */
export async function execOrThrow(result: Promise<[Error | null, unknown][] | null>): Promise<unknown[]> {
  const replies = (await result) ?? [];
  const failed = replies.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
  return replies.map(([, value]) => value);
}
