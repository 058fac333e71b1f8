/** Worker thread entry: solves the components it is sent, one message each. */
import { parentPort } from 'node:worker_threads'
import type { Component } from './component.js'
import { solveComponent, type ComponentOptions } from './solve-component.js'

export interface ComponentTask {
  readonly id: number
  readonly component: Component
  readonly options: ComponentOptions
}

parentPort?.on('message', (task: ComponentTask) => {
  const solution = solveComponent(task.component, task.options)
  parentPort!.postMessage({ id: task.id, solution }, [solution.choice.buffer as ArrayBuffer])
})
