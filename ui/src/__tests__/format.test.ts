import { describe, expect, it } from 'vitest'
import {
  EMPTY,
  clockTime,
  isCsvFile,
  ratingAverage,
  ratingLabel,
  dayGreeting,
  formatDate,
  formatDateLong,
  formatDateTime,
  hallTitle,
  kindTagType,
  roleLabel,
  toCount,
  toIsoDate,
  urgencyClass,
  urgencyTag,
  workingDays,
} from '../format'

describe('urgency', () => {
  it('maps warning to a yellow 即将到期 tag and overdue to a red 已超期 tag', () => {
    expect(urgencyTag('warning')).toEqual({ type: 'warning', label: '即将到期' })
    expect(urgencyTag('overdue')).toEqual({ type: 'danger', label: '已超期' })
  })
  it('shows no tag for cases on time or without a running clock', () => {
    expect(urgencyTag('normal')).toBeNull()
    expect(urgencyTag('none')).toBeNull()
    expect(urgencyTag(null)).toBeNull()
  })
  it('colours the date text to match', () => {
    expect(urgencyClass('warning')).toBe('due-warning')
    expect(urgencyClass('overdue')).toBe('due-overdue')
    expect(urgencyClass('normal')).toBe('')
  })
})

describe('dates', () => {
  it('formats dates and timestamps as sent by Rust, without time-zone shifts', () => {
    expect(formatDate('2026-03-02')).toBe('2026-03-02')
    expect(formatDate('2026-03-02 09:15:30')).toBe('2026-03-02')
    expect(formatDateTime('2026-03-02 09:15:30')).toBe('2026-03-02 09:15')
    expect(formatDateTime('2026-03-02T23:59:59')).toBe('2026-03-02 23:59')
    expect(formatDateTime('2026-03-02')).toBe('2026-03-02')
  })
  it('shows a dash for missing values and keeps unknown formats', () => {
    expect(formatDate(null)).toBe(EMPTY)
    expect(formatDateTime(undefined)).toBe(EMPTY)
    expect(formatDateLong('')).toBe(EMPTY)
    expect(formatDate('明天')).toBe('明天')
  })
  it('writes long dates with the weekday', () => {
    expect(formatDateLong('2026-03-02')).toBe('2026年3月2日 星期一')
    expect(formatDateLong('2026-10-01')).toBe('2026年10月1日 星期四')
    expect(formatDateLong('2026-02-15 08:00:00')).toBe('2026年2月15日 星期日')
  })
  it('turns a local date into YYYY-MM-DD', () => {
    expect(toIsoDate(new Date(2026, 0, 5))).toBe('2026-01-05')
    expect(toIsoDate(new Date(2026, 11, 31, 23, 59))).toBe('2026-12-31')
  })
  it('greets by the time of day', () => {
    expect(dayGreeting(new Date(2026, 0, 5, 9))).toBe('上午好')
    expect(dayGreeting(new Date(2026, 0, 5, 15))).toBe('下午好')
    expect(dayGreeting(new Date(2026, 0, 5, 20))).toBe('晚上好')
  })
  it('says working days', () => {
    expect(workingDays(20)).toBe('20 个工作日')
    expect(workingDays(0)).toBe('0 个工作日')
    expect(workingDays(null)).toBe(EMPTY)
  })
})

describe('labels', () => {
  it('labels every role', () => {
    expect(roleLabel('clerk')).toBe('前台受理员')
    expect(roleLabel('officer')).toBe('后台经办人')
    expect(roleLabel('supervisor')).toBe('中心主任')
    expect(roleLabel('admin')).toBe('系统管理员')
  })
  it('names the hall', () => {
    expect(hallTitle('卫星镇')).toBe('卫星镇便民服务中心')
    expect(hallTitle('卫星镇便民服务中心')).toBe('卫星镇便民服务中心')
    expect(hallTitle(null)).toBe('乡镇便民服务中心')
  })
  it('colours item kinds', () => {
    expect(kindTagType('即办件')).toBe('success')
    expect(kindTagType('上报件')).toBe('warning')
    expect(kindTagType('其他')).toBe('info')
  })
  it('reads counts typed as bigint but sent as numbers', () => {
    expect(toCount(7)).toBe(7)
    expect(toCount(BigInt(3))).toBe(3)
    expect(toCount(null)).toBe(0)
  })
})

describe('more display helpers', () => {
  it('tells CSV files from JSON ones', () => {
    expect(isCsvFile('清单2026.CSV')).toBe(true)
    expect(isCsvFile('catalog.json')).toBe(false)
    expect(isCsvFile(null)).toBe(false)
  })
  it('formats times, averages and rating labels', () => {
    expect(clockTime(new Date(2026, 0, 2, 9, 5, 7))).toBe('09:05:07')
    expect(ratingAverage(4.25, 4)).toBe('4.3')
    expect(ratingAverage(0, 0)).toBe('—')
    const labels = ['非常不满意', '不满意', '基本满意', '满意', '非常满意']
    expect(ratingLabel(labels, 5)).toBe('非常满意')
    expect(ratingLabel(labels, 1)).toBe('非常不满意')
    expect(ratingLabel(null, 3)).toBe('3 级')
  })
})
