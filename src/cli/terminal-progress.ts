/**
 * What a long command is doing, on one line of standard error redrawn in place with the seconds it has
 * taken: on a terminal only. Elsewhere (a pipe, a log, a test) it writes nothing, so output stays clean.
 */
const REDRAW_MS = 1000

export interface TerminalProgress {
  /** True on a terminal: the line is drawn. */
  readonly shown: boolean
  /** What is being done now, e.g. `optimizing: 3 of 12 components solved`. */
  say(text: string): void
  /** Clears the line, before the command prints its answer. */
  end(): void
}

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): TerminalProgress {
  if (stream.isTTY !== true) return { shown: false, say() {}, end() {} }
  const started = Date.now()
  let text = ''
  const draw = () => stream.write(`\r${text} (${Math.floor((Date.now() - started) / 1000)} s)\x1b[K`)
  // Ticks only while the event loop is free: the optimizer then works on worker threads (optimize.command.ts).
  const timer = setInterval(draw, REDRAW_MS)
  timer.unref()
  return {
    shown: true,
    say(next) {
      text = next
      draw()
    },
    end() {
      if (text === '') return
      clearInterval(timer)
      text = ''
      stream.write('\r\x1b[K')
    },
  }
}
