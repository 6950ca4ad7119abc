// Process-level stop handling for subcommands.

/** Returns an AbortSignal that fires on the first SIGINT/SIGTERM; a second signal exits at once. */
export function stopSignal(): AbortSignal {
  const ctl = new AbortController();
  let count = 0;
  const onSig = () => {
    count++;
    if (count > 1) process.exit(130);
    ctl.abort(new Error('signal received'));
  };
  process.on('SIGINT', onSig);
  process.on('SIGTERM', onSig);
  return ctl.signal;
}

/** A long-running component: resolves when `signal` aborts and it has stopped. */
export interface Runnable {
  start(signal: AbortSignal): Promise<void>;
}
