// Pure display helpers (dates, urgency, roles, item kinds). Labels and colours come from the
// vocabulary Rust exports (words.ts). Unit-tested in src/__tests__/.
import type { Urgency } from './bindings/Urgency'
import type { Role } from './bindings/Role'
import type { CaseKind } from './bindings/CaseKind'
import { WORDS, wordLabel, wordTag } from './words'

/** Element Plus tag types. */
export type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'

/** Placeholder for an empty value in tables and descriptions. */
export const EMPTY = '—'

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/

const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六']

/**
 * `2026-03-02` or `2026-03-02 09:15:30` → `2026-03-02`. The Rust side sends local dates and
 * local timestamps as plain strings; they are shown as they are, never shifted by time zone.
 */
export function formatDate(s: string | null | undefined): string {
  if (!s) return EMPTY
  const m = DATE_RE.exec(s)
  return m ? `${m[1]}-${m[2]}-${m[3]}` : s
}

/** `2026-03-02 09:15:30` → `2026-03-02 09:15`; a bare date stays a date. */
export function formatDateTime(s: string | null | undefined): string {
  if (!s) return EMPTY
  const m = DATE_RE.exec(s)
  if (!m) return s
  return m[4] ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}` : `${m[1]}-${m[2]}-${m[3]}`
}

/** `2026-03-02` → `2026年3月2日 星期一` (for due dates, where the weekday helps). */
export function formatDateLong(s: string | null | undefined): string {
  if (!s) return EMPTY
  const m = DATE_RE.exec(s)
  if (!m) return s
  const y = Number(m[1])
  const mo = Number(m[2])
  const d = Number(m[3])
  const wd = new Date(Date.UTC(y, mo - 1, d)).getUTCDay()
  return `${y}年${mo}月${d}日 ${WEEKDAYS[wd]}`
}

/** A local calendar date as `YYYY-MM-DD` (what the Rust side expects for dates). */
export function toIsoDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

export interface UrgencyTag {
  type: TagType
  label: string
}

/** Yellow 即将到期 / red 已超期; nothing for a case on time or without a running clock. */
export function urgencyTag(u: Urgency | null | undefined): UrgencyTag | null {
  const w = WORDS.urgencies.find((x) => x.value === u)
  return w ? { type: w.tag, label: w.label } : null
}

/** CSS class for a due date cell: coloured text matching the urgency tag. */
export function urgencyClass(u: Urgency | null | undefined): string {
  return u === 'warning' ? 'due-warning' : u === 'overdue' ? 'due-overdue' : ''
}

export function roleLabel(r: Role | null | undefined): string {
  return r ? wordLabel(WORDS.roles, r) : EMPTY
}

/** Tag colour for 办件类型; `item_kind` of a case arrives as a plain string. */
export function kindTagType(kind: string | null | undefined): TagType {
  return wordTag(WORDS.item_kinds, kind as CaseKind | null | undefined)
}

/** `卫星镇` → `卫星镇便民服务中心`; a name that already says so is kept. */
export function hallTitle(townshipName: string | null | undefined): string {
  const name = (townshipName ?? '').trim()
  if (!name) return '乡镇便民服务中心'
  return /便民服务中心$/.test(name) ? name : `${name}便民服务中心`
}

/** `上午好` etc. for the greeting on the home page. */
export function dayGreeting(d: Date): string {
  const h = d.getHours()
  if (h < 5) return '您好'
  if (h < 11) return '上午好'
  if (h < 13) return '中午好'
  if (h < 18) return '下午好'
  return '晚上好'
}

/** `20` → `20 个工作日`. */
export function workingDays(n: number | null | undefined): string {
  return n === null || n === undefined ? EMPTY : `${n} 个工作日`
}

/** Counts arrive as JSON numbers even where the generated type says `bigint` (Rust i64). */
export function toCount(n: number | bigint | null | undefined): number {
  return n === null || n === undefined ? 0 : Number(n)
}

/** `catalog.csv` → true: the catalog import sends CSV text with `csv: true`, anything else as JSON. */
export function isCsvFile(name: string | null | undefined): boolean {
  return /\.csv$/i.test((name ?? '').trim())
}

/** `09:05:07` for “最后更新” lines. */
export function clockTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

/** Average rating with one decimal, or `—` when nobody rated. */
export function ratingAverage(avg: number | null | undefined, count: number | null | undefined): string {
  if (!count || avg === null || avg === undefined || !Number.isFinite(avg)) return EMPTY
  return avg.toFixed(1)
}

/** The label of a rating level (1…5) from the vocabulary's list (index 0 = level 1). */
export function ratingLabel(labels: readonly string[] | null | undefined, level: number): string {
  return labels?.[level - 1] ?? `${level} 级`
}
