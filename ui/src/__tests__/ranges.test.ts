import { describe, expect, it } from 'vitest'
import {
  addDays,
  isIsoDate,
  matchQuick,
  percent,
  quickRange,
  rangeDays,
  rangeProblem,
  rangeText,
  shortDate,
  weekStart,
} from '../ranges'

describe('date arithmetic', () => {
  it('adds days across months, years and leap days', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2026-11-20', -29)).toBe('2026-10-22')
  })

  it('counts both ends of a range', () => {
    expect(rangeDays({ from: '2026-11-20', to: '2026-11-20' })).toBe(1)
    expect(rangeDays({ from: '2026-11-01', to: '2026-11-30' })).toBe(30)
    // across the change to or from daylight saving time elsewhere: still whole days
    expect(rangeDays({ from: '2026-03-01', to: '2026-03-31' })).toBe(31)
  })

  it('checks dates', () => {
    expect(isIsoDate('2026-11-20')).toBe(true)
    expect(isIsoDate('2026-02-30')).toBe(false)
    expect(isIsoDate('2026-1-2')).toBe(false)
    expect(isIsoDate(null)).toBe(false)
  })
})

describe('quick ranges', () => {
  // 2026-11-20 is a Friday.
  const today = '2026-11-20'

  it('starts the week on Monday', () => {
    expect(weekStart('2026-11-20')).toBe('2026-11-16')
    expect(weekStart('2026-11-16')).toBe('2026-11-16')
    expect(weekStart('2026-11-22')).toBe('2026-11-16') // Sunday
  })

  it('本周 runs from Monday to today', () => {
    expect(quickRange('week', today)).toEqual({ from: '2026-11-16', to: '2026-11-20' })
  })

  it('本月 runs from the 1st to today', () => {
    expect(quickRange('month', today)).toEqual({ from: '2026-11-01', to: '2026-11-20' })
    expect(quickRange('month', '2026-11-01')).toEqual({ from: '2026-11-01', to: '2026-11-01' })
  })

  it('上月 is the whole previous month, also over a new year and in February', () => {
    expect(quickRange('last_month', today)).toEqual({ from: '2026-10-01', to: '2026-10-31' })
    expect(quickRange('last_month', '2027-01-15')).toEqual({ from: '2026-12-01', to: '2026-12-31' })
    expect(quickRange('last_month', '2028-03-31')).toEqual({ from: '2028-02-01', to: '2028-02-29' })
  })

  it('近7天 and 近30天 end today', () => {
    expect(quickRange('last7', today)).toEqual({ from: '2026-11-14', to: today })
    expect(quickRange('last30', today)).toEqual({ from: '2026-10-22', to: today })
  })

  it('recognises a range that is a quick one', () => {
    expect(matchQuick({ from: '2026-11-01', to: today }, today, ['week', 'month', 'last_month'])).toBe('month')
    expect(matchQuick({ from: '2026-11-02', to: today }, today, ['week', 'month', 'last_month'])).toBeNull()
  })
})

describe('range checks and text', () => {
  it('refuses ranges Rust would refuse, in Chinese', () => {
    expect(rangeProblem({ from: '2026-11-01', to: '2026-11-20' })).toBe('')
    expect(rangeProblem({ from: '2026-11-20', to: '2026-11-01' })).toBe('结束日期不能早于开始日期')
    expect(rangeProblem({ from: '2025-01-01', to: '2026-11-20' })).toContain('最长')
    expect(rangeProblem({ from: '2025-11-21', to: '2026-11-20' })).toBe('') // 365 days
    expect(rangeProblem(null)).toBe('请选择统计期间')
  })

  it('writes ranges and rates for people', () => {
    expect(rangeText({ from: '2026-11-01', to: '2026-11-20' })).toBe('2026-11-01 至 2026-11-20（共 20 天）')
    expect(rangeText({ from: '2026-11-20', to: '2026-11-20' })).toBe('2026-11-20')
    expect(percent(0.9234)).toBe('92.3%')
    expect(percent(1)).toBe('100.0%')
    expect(percent(Number.NaN)).toBe('—')
    expect(shortDate('2026-11-05')).toBe('11-05')
  })
})
