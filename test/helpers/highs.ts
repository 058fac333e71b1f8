/** The HiGHS solver (WebAssembly, a dev dependency): an independent reference for the optimizer. */
import highsModule from 'highs'

// The package's types describe a CommonJS module whose `default` is the loader; Node's ESM import of
// its `.mjs` build gives the loader itself.
const loadHighs = highsModule as unknown as typeof highsModule.default

export type Highs = Awaited<ReturnType<typeof loadHighs>>

let instance: Promise<Highs> | undefined

export function highs(): Promise<Highs> {
  instance ??= loadHighs()
  return instance
}
