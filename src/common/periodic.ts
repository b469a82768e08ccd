/** A task run on an interval; see `periodic`. */
export interface Periodic {
  /** Clears the timer; settles once a run in flight has ended. */
  stop(): Promise<void>;
}

/**
 * Runs `task` every `ms` (and once at the start when `immediately`), never two runs at a time: a tick that finds the
 * last run still going is skipped. A failed run goes to `onError`. The timer does not keep the process alive.
 */
export function periodic(
  ms: number,
  task: () => Promise<unknown>,
  onError: (error: Error) => void,
  { immediately = false }: { immediately?: boolean } = {},
): Periodic {
  let running: Promise<void> | undefined;
  const tick = (): void => {
    running ??= task()
      .then(
        () => undefined,
        (error: Error) => onError(error),
      )
      .finally(() => (running = undefined));
  };
  const timer = setInterval(tick, ms);
  timer.unref();
  if (immediately) tick();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
