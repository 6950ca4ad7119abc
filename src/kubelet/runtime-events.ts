// CRI GetContainerEvents where the runtime offers it: each event nudges the kubelet to relist at
// once instead of waiting for the next period. containerd 1.6 answers UNIMPLEMENTED; then this
// gives up and the periodic relist alone keeps the view fresh.
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { CriError, type ContainerEvent, type RuntimeService } from './cri/runtime-service.js';

/** How the watch ended: the runtime lacks the RPC, or the signal aborted. */
export type EventWatchEnd = 'unimplemented' | 'stopped';

/**
 * 1. open the stream and pass every event on; 2. on UNIMPLEMENTED, resolve 'unimplemented';
 * 3. on any other end or error, reopen after `retryMs`; 4. resolve 'stopped' on abort.
 */
export async function watchContainerEvents(o: { runtime: RuntimeService; onEvent: (e: ContainerEvent) => void; signal: AbortSignal; clock: Clock; logger: Logger; retryMs?: number }): Promise<EventWatchEnd> {
  while (!o.signal.aborted) {
    try {
      await o.runtime.getContainerEvents(o.onEvent, o.signal);
    } catch (err) {
      if (err instanceof CriError && err.code === 'Unimplemented') {
        o.logger.info('the runtime does not offer GetContainerEvents; relisting only');
        return 'unimplemented';
      }
      o.logger.warn({ err: (err as Error).message }, 'container event stream failed; reopening');
    }
    await o.clock.sleep(o.retryMs ?? 5000, o.signal).catch(() => {});
  }
  return 'stopped';
}
