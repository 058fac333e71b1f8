/**
 * Preloaded into a benchmarked process through NODE_OPTIONS (`--import`): at exit, writes the CPU seconds
 * the process used, every thread's user and system time, to the file named by SIMOPT_BENCH_CPU_FILE. A
 * file, not standard error, so that it cannot mix with what measureNodeProcess reads there.
 */
import { writeFileSync } from 'node:fs'

const file = process.env.SIMOPT_BENCH_CPU_FILE
if (file !== undefined) {
  process.on('exit', () => {
    const { userCPUTime, systemCPUTime } = process.resourceUsage()
    writeFileSync(file, JSON.stringify({ cpuSeconds: (userCPUTime + systemCPUTime) / 1e6 }))
  })
}
