// Date ranges of the supervisor's reports and charts, on `YYYY-MM-DD` strings (the hall's own
// dates, never shifted by time zone). "Today" is the hall's today (Rust's clock, which
// YICHUANG_NOW may pin), passed in. Pure helpers, unit-tested.

export interface DateRange {
  from: string
  to: string
}

/** 本周 (Monday to today), 本月 (1st to today), 上月 (the whole last month), 近 7 / 30 天. */
export type QuickRange = 'week' | 'month' | 'last_month' | 'last7' | 'last30'

export const QUICK_LABELS: Record<QuickRange, string> = {
  week: '本周',
  month: '本月',
  last_month: '上月',
  last7: '近7天',
  last30: '近30天',
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})/

function parse(iso: string): Date {
  const m = ISO_RE.exec(iso)
  if (!m) throw new Error(`日期格式有误：${iso}`)
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
}

function fmt(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`
}

export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  return fmt(parse(s)) === s
}

/** `2026-03-01` + -1 → `2026-02-28`. */
export function addDays(iso: string, n: number): string {
  const d = parse(iso)
  d.setUTCDate(d.getUTCDate() + n)
  return fmt(d)
}

/** Days in the range, both ends counted (`from` = `to` → 1). */
export function rangeDays(r: DateRange): number {
  return Math.round((parse(r.to).getTime() - parse(r.from).getTime()) / 86_400_000) + 1
}

/** The Monday of the week `iso` falls in (weeks run Monday to Sunday). */
export function weekStart(iso: string): string {
  const wd = parse(iso).getUTCDay() // 0 = Sunday
  return addDays(iso, -((wd + 6) % 7))
}

export function monthStart(iso: string): string {
  return `${iso.slice(0, 7)}-01`
}

export function quickRange(kind: QuickRange, today: string): DateRange {
  switch (kind) {
    case 'week':
      return { from: weekStart(today), to: today }
    case 'month':
      return { from: monthStart(today), to: today }
    case 'last_month': {
      const to = addDays(monthStart(today), -1)
      return { from: monthStart(to), to }
    }
    case 'last7':
      return { from: addDays(today, -6), to: today }
    case 'last30':
      return { from: addDays(today, -29), to: today }
  }
}

/** Which of `kinds` gives exactly this range (the first one), or null (自定义). */
export function matchQuick(r: DateRange, today: string, kinds: readonly QuickRange[]): QuickRange | null {
  for (const k of kinds) {
    const q = quickRange(k, today)
    if (q.from === r.from && q.to === r.to) return k
  }
  return null
}

/** The longest period a report covers (Rust refuses longer ones). */
export const MAX_RANGE_DAYS = 366

/** A Chinese message when the range cannot be reported on, else ''. */
export function rangeProblem(r: DateRange | null | undefined): string {
  if (!r || !isIsoDate(r.from) || !isIsoDate(r.to)) return '请选择统计期间'
  if (r.to < r.from) return '结束日期不能早于开始日期'
  if (rangeDays(r) > MAX_RANGE_DAYS) return `统计期间最长 ${MAX_RANGE_DAYS} 天，请缩短期间`
  return ''
}

/** `2026-11-01 至 2026-11-20（共 20 天）`; a single day as itself. */
export function rangeText(r: DateRange): string {
  if (r.from === r.to) return r.from
  return `${r.from} 至 ${r.to}（共 ${rangeDays(r)} 天）`
}

/** 0.9234 → `92.3%`; not a number → `—`. */
export function percent(rate: number | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—'
  return `${(rate * 100).toFixed(digits)}%`
}

/** `2026-11-05` → `11-05` (chart axis labels). */
export function shortDate(iso: string): string {
  return iso.length >= 10 ? iso.slice(5, 10) : iso
}
