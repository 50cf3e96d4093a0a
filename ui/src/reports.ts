// The supervisor's figures: the loader the three report screens share (每日台账, 统计报告,
// 统计图表), then the figures as cards (pure, unit-tested).
import { ref, type Ref } from 'vue'
import type { Figures } from './bindings/Figures'
import type { RatingSummary } from './bindings/RatingSummary'
import { call, errorMessage } from './api'
import { ratingAverage } from './format'
import { percent } from './ranges'
import { WORDS, actionInfo, wordLabel } from './words'

/**
 * A value loaded again and again (a new date or range, a refresh), where the latest request
 * wins: an answer for a range the user has already left never replaces the newer one. On an
 * error the value is cleared, or with `keepOnError` kept (a screen that refreshes by itself).
 * `load` resolves with the value when its call was the latest and succeeded.
 */
export function useLatest<A extends unknown[], T>(fetch: (...args: A) => Promise<T>, keepOnError = false) {
  const value = ref(null) as Ref<T | null>
  const error = ref('')
  const loading = ref(false)
  let seq = 0
  async function load(...args: A): Promise<T | null> {
    const mine = ++seq
    loading.value = true
    error.value = ''
    try {
      const v = await fetch(...args)
      if (mine !== seq) return null
      value.value = v
      return v
    } catch (e) {
      if (mine === seq) {
        if (!keepOnError) value.value = null
        error.value = errorMessage(e)
      }
      return null
    } finally {
      if (mine === seq) loading.value = false
    }
  }
  /** Answers still on their way are dropped (the screen is closing). */
  function drop() {
    seq++
  }
  return { value, error, loading, load, drop }
}

/** The figures for `from`..`to` (one day for the daily sheet). */
export function useFigures(keepOnError = false) {
  return useLatest((from: string, to: string) => call({ type: 'figures', from, to }), keepOnError)
}

export interface FigureCard {
  /** Last part of the card's data-testid (`daily-logged`, `report-on-time` …). */
  key: string
  title: string
  /** Shown big. */
  value: string
  /** The number behind it (data-value), e.g. 0.923 for 92.3%. */
  raw: number
  /** Shown small under the value. */
  note?: string
  tone?: 'warn' | 'bad' | 'good'
}

/** “评价器 3 · 窗口代录 7”: how the period's ratings came in, labelled from the vocabulary. */
export function ratingChannels(r: RatingSummary): string {
  return r.by_channel.map((c) => `${wordLabel(WORDS.rating_channels, c.channel)} ${c.count}`).join(' · ')
}

/** Counts first (the day's or period's flow), then timeliness and satisfaction. */
export function figureCards(f: Figures): FigureCard[] {
  const c = f.counts
  const n = (key: string, title: string, v: number, tone?: FigureCard['tone'], note?: string): FigureCard => ({
    key,
    title,
    value: String(v),
    raw: v,
    tone,
    note,
  })
  const r = f.ratings
  return [
    n('logged', '接件', c.logged),
    n('accepted', '受理', c.accepted, undefined, '含容缺受理'),
    n('instant', wordLabel(WORDS.item_kinds, '即办件'), c.instant),
    n('notified', actionInfo('notify_missing')?.label ?? '', c.notified),
    n('refused', actionInfo('refuse')?.label ?? '', c.refused),
    n('decided', '办结', c.decided, undefined, '含即办'),
    n('delivered', actionInfo('deliver')?.label ?? '', c.delivered),
    n('withdrawn', '撤件/撤回', c.withdrawn),
    n('overdue', '逾期', c.overdue, c.overdue ? 'bad' : undefined),
    n('supplement-repeat', '再次补正', c.supplement_repeat, c.supplement_repeat ? 'warn' : undefined, `补正逾期视为撤回 ${c.supplement_lapsed} 件`),
    {
      key: 'on-time',
      title: '按时办结率',
      value: f.decided_with_due ? percent(f.on_time_rate) : '—',
      raw: f.on_time_rate,
      note: `按时 ${f.on_time} / 应办结 ${f.decided_with_due}`,
      tone: f.decided_with_due && f.on_time_rate < 0.9 ? 'warn' : undefined,
    },
    {
      key: 'ratings',
      title: '好差评',
      value: String(r.count),
      raw: r.count,
      note: r.count
        ? `平均 ${ratingAverage(r.average, r.count)} 分 · 满意率 ${percent(r.satisfied_rate)} · ${ratingChannels(r)}`
        : '暂无评价',
    },
    {
      key: 'bad',
      title: '差评回访',
      value: String(f.follow_ups.length),
      raw: f.follow_ups.length,
      note: f.follow_ups.length ? `其中未办结 ${f.follow_ups.filter((x) => !x.closed_at).length} 件` : '无',
      tone: f.follow_ups.some((x) => !x.closed_at) ? 'warn' : undefined,
    },
  ]
}

/** The first `n` of a tally, the rest summed into 其他 (for short tables and charts). */
export function topTally<T extends { name: string; count: number }>(list: readonly T[], n: number): { name: string; count: number }[] {
  const sorted = [...list].sort((a, b) => b.count - a.count)
  if (sorted.length <= n) return sorted.map(({ name, count }) => ({ name, count }))
  const head = sorted.slice(0, n - 1).map(({ name, count }) => ({ name, count }))
  const rest = sorted.slice(n - 1).reduce((s, x) => s + x.count, 0)
  return [...head, { name: '其他', count: rest }]
}
