/**
 * The one logger: pino, JSON lines on standard error (standard output is the commands' own), at
 * `SIMOPT_LOG_LEVEL`. Workers log every job through a child carrying its ids (job, session, and the
 * instance, component or message it works on), so any line can be traced to what it was about.
 */
import { pino, type Logger } from 'pino'
import type { Config } from './config.js'

export type { Logger }

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  // Synchronous: a worker that exits (or is killed) right after a line still leaves it written.
  return pino({ level: config.logLevel, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 2, sync: true }))
}
