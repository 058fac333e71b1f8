/**
 * Solves independent components in parallel on worker threads (one per core, largest components first),
 * or inline when there is only one or parallelism is off. The answer does not depend on where a component
 * was solved.
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { Component } from './component.js'
import type { ComponentTask } from './component-worker.js'
import { solveComponent, type ComponentOptions, type ComponentSolution } from './solve-component.js'

export interface ParallelOptions extends ComponentOptions {
  /** Worker threads to use; 0 solves everything on the calling thread. Default: one per core, none for one component. */
  readonly workers?: number
  /**
   * Told how many components are solved, of how many: once before the first, then as each is solved (a
   * terminal's progress). Stays on the calling thread; never sent to a worker.
   */
  readonly onProgress?: (solved: number, components: number) => void
}

export async function solveComponents(components: readonly Component[], options: ParallelOptions = {}): Promise<ComponentSolution[]> {
  const { workers: requested, onProgress, ...componentOptions } = options
  let solved = 0
  onProgress?.(0, components.length)
  const solvedOne = (): void => onProgress?.(++solved, components.length)
  const threads = Math.min(requested ?? availableParallelism(), components.length)
  // By default one component is solved inline; asking for a worker explicitly keeps the calling thread
  // free (a job runner must go on answering its queue while a large component is solved).
  if (threads === 0 || (threads === 1 && requested === undefined)) {
    return components.map((component) => {
      const solution = solveComponent(component, componentOptions)
      solvedOne()
      return solution
    })
  }

  const solutions: ComponentSolution[] = new Array(components.length)
  let next = 0
  const pool = Array.from({ length: threads }, () => new Worker(new URL('./component-worker.js', import.meta.url)))
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const sendNext = (): void => {
              if (next >= components.length) return resolve()
              const id = next++
              const task: ComponentTask = { id, component: components[id]!, options: componentOptions }
              worker.postMessage(task)
            }
            worker.on('message', ({ id, solution }: { id: number; solution: ComponentSolution }) => {
              solutions[id] = solution
              solvedOne()
              sendNext()
            })
            worker.on('error', reject)
            worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`optimizer worker stopped with exit code ${code}`))))
            sendNext()
          }),
      ),
    )
  } finally {
    await Promise.all(pool.map((worker) => worker.terminate()))
  }
  return solutions
}
