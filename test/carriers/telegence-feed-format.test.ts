/**
 * Telegence's report files without a server: their names read back to kind, FAN and time; their lines parsed
 * with bad input named by file, line and column; the download plan (new, missed, too old, other FANs); and the
 * billing period a line's bill cycle start names, in any time zone and cycle.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { dailyFileName, dataFileName, finalFileName, formatFeedCsv, parseFeedCsv, parseFeedFileName } from '../../src/carriers/telegence/feed/feed-format.js'
import { planDownloads } from '../../src/carriers/telegence/feed/feed-plan.js'
import { linesByCycle, periodStartingOn } from '../../src/carriers/telegence/feed/feed-readings.js'
import { billingPeriod, localDate } from '../../src/domain/index.js'

const AT = Date.UTC(2026, 11, 7, 9, 30)
const HOUR = 3_600_000
const DAY = 24 * HOUR

describe('Telegence report files', () => {
  it('names each kind of file and reads the name back; other names are not report files', () => {
    assert.equal(dailyFileName('90000001', AT), 'ALL_BAN_FULL_DATA_EXPORT_REPORT_90000001_202612070930.zip')
    assert.equal(dataFileName('90000001', AT), 'MUBU_90000001_202612070930_data.csv')
    assert.equal(finalFileName('90000001', '2026-11'), 'CUS_FANALL_90000001_202611.zip')
    assert.deepEqual(parseFeedFileName(dailyFileName('90000001', AT)), { kind: 'daily', fan: '90000001', asOf: AT })
    assert.deepEqual(parseFeedFileName(dataFileName('90000001', AT)), { kind: 'data', fan: '90000001', asOf: AT })
    assert.deepEqual(parseFeedFileName('CUS_FANALL_90000001_202611.zip'), { kind: 'final', fan: '90000001', period: '2026-11' })
    for (const name of ['MUBU_90000001_202613071200_data.csv', 'MUBU_90000001_202612070930_data.csv.part', 'CUS_FANALL_90000001_202613.zip', 'notes.txt', 'MUBU_90000001_202612070930_voice.zip']) {
      assert.equal(parseFeedFileName(name), undefined, name)
    }
  })

  it('parses its lines back, and names the file, line and column of a bad one', () => {
    const lines = [{ subscriberNumber: '2140000001', iccid: '8901410400000000001', billCycleStart: '2026-12-01', dataMb: 1234.5, voiceMinutes: 12.25, sms: 7 }]
    assert.deepEqual(parseFeedCsv(formatFeedCsv(lines), 'f.csv'), lines)
    const header = 'subscriber_number,iccid,bill_cycle_start,data_mb,voice_minutes,sms'
    assert.throws(() => parseFeedCsv('a,b\n', 'f.csv'), /f\.csv: line 1: the header must be subscriber_number,/)
    assert.throws(() => parseFeedCsv(`${header}\n2140000001,8901410400000000001,2026-12-01,1,2\n`, 'f.csv'), /f\.csv: line 2, column 6 \(sms\): 6 fields expected, got 5/)
    assert.throws(() => parseFeedCsv(`${header}\n2140000001,8901410400000000001,2026-12-01,-1,0,0\n`, 'f.csv'), /line 2, column 4 \(data_mb\): a number of 0 or more expected, got "-1"/)
    assert.throws(() => parseFeedCsv(`${header}\n2140000001,8901410400000000001,2026-12-01,1,0,2.5\n`, 'f.csv'), /line 2, column 6 \(sms\): a whole number of 0 or more expected, got "2.5"/)
    assert.throws(() => parseFeedCsv(`${header}\n214000000,8901410400000000001,2026-12-01,1,0,2\n`, 'f.csv'), /line 2, column 1 \(subscriber_number\): a 10-digit subscriber number expected/)
  })

  it('plans the new files and the missed ones of the window, oldest first, and leaves older ones and other FANs', () => {
    const file = (name: string) => ({ name, size: 1, modifiedAt: AT })
    const files = [
      file(dataFileName('90000001', AT - HOUR)),
      file(dataFileName('90000001', AT - 5 * HOUR)),
      file(dataFileName('90000001', AT - 3 * HOUR)),
      file(dataFileName('90000001', AT - 4 * DAY)),
      file(dataFileName('90000002', AT - HOUR)),
      file(finalFileName('90000001', '2026-11')),
      file('readme.txt'),
    ]
    const downloaded = new Map([[dataFileName('90000001', AT - 3 * HOUR), AT - 3 * HOUR]])
    const periodEnd = (name: string) => billingPeriod(name, { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }).end
    const plan = planDownloads({ files, fan: '90000001', downloaded, now: AT, refetchDays: 3, periodEnd })
    assert.deepEqual(plan.download.map((planned) => [planned.file.name, planned.missed]), [[dataFileName('90000001', AT - 5 * HOUR), true], [dataFileName('90000001', AT - HOUR), false]])
    // The final file of November is as of its end, December 1: more than 3 days before; and the 4-day-old data file.
    assert.equal(plan.tooOld, 2)
    assert.equal(plan.newestInFolder, AT - HOUR)
    assert.equal(plan.newestName, dataFileName('90000001', AT - HOUR))
  })

  it('finds the billing period a bill cycle starts, in any zone and cycle, and groups lines by cycle', () => {
    for (const cycle of [{ timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }, { timeZone: 'America/Chicago', cycleEndDay: 15, cycleEndHour: 0 }, { timeZone: 'Pacific/Auckland', cycleEndDay: 28, cycleEndHour: 6 }]) {
      const period = billingPeriod('2026-11', cycle)
      const date = localDate(period.start, cycle.timeZone)
      assert.equal(periodStartingOn(date, cycle)?.name, '2026-11', `${cycle.timeZone} ${date}`)
    }
    assert.equal(periodStartingOn('2026-11-10', { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }), undefined)
    const line = (billCycleStart: string) => ({ subscriberNumber: '2140000001', iccid: '8901410400000000001', billCycleStart, dataMb: 1, voiceMinutes: 0, sms: 0 })
    assert.deepEqual([...linesByCycle([line('2026-11-01'), line('2026-12-01'), line('2026-11-01')])].map(([start, lines]) => [start, lines.length]), [['2026-11-01', 2], ['2026-12-01', 1]])
  })
})
