// Structured logging: one pino logger per component, children per object.
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Options for a component logger. `level` defaults to $KUBETS_LOG_LEVEL or "info". */
export interface LoggerOptions {
  component: string;
  level?: string;
  /** Destination stream; defaults to stderr so stdout stays free for command output. */
  destination?: NodeJS.WritableStream;
}

/** Creates the root logger of a component; every line carries `component`. */
export function newLogger(opts: LoggerOptions): Logger {
  const level = opts.level ?? process.env.KUBETS_LOG_LEVEL ?? 'info';
  return pino({ level, base: { component: opts.component } }, (opts.destination ?? process.stderr) as DestinationStream);
}

/** A logger that drops everything, for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
