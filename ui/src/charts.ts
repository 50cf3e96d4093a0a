// ECharts options of 统计图表, built from `figures` and `dashboard` (pure; unit-tested).
// Only the chart types registered in components/EChart.vue are used: bar, line, gauge.
import type { DayCount } from './bindings/DayCount'
import type { RatingSummary } from './bindings/RatingSummary'
import type { Tally } from './bindings/Tally'
import type { UnitQueue } from './bindings/UnitQueue'
import { percent, shortDate } from './ranges'
import { WORDS, wordLabel } from './words'

/** A plain ECharts option object. */
export type ChartOption = Record<string, unknown>

export const CHART_COLORS = {
  blue: '#2f6fbd',
  green: '#3a9a5b',
  orange: '#d48a1c',
  red: '#c45656',
  grey: '#909399',
  yellow: '#e6a23c',
}

const GRID = { left: 12, right: 16, top: 36, bottom: 8, containLabel: true }
const TOOLTIP_AXIS = { trigger: 'axis', axisPointer: { type: 'shadow' } }

/** 0…23 → `8时`. */
export function hourLabels(): string[] {
  return Array.from({ length: 24 }, (_, h) => `${h}时`)
}

/** Logged cases per hour of the day (24 bars; fewer entries are padded with 0). */
export function hourOption(byHour: readonly number[]): ChartOption {
  const data = Array.from({ length: 24 }, (_, h) => byHour[h] ?? 0)
  return {
    color: [CHART_COLORS.blue],
    tooltip: { ...TOOLTIP_AXIS, valueFormatter: (v: unknown) => `${v} 件` },
    grid: GRID,
    xAxis: { type: 'category', data: hourLabels() },
    yAxis: { type: 'value', minInterval: 1, name: '件' },
    series: [{ name: '接件', type: 'bar', data, barMaxWidth: 22 }],
  }
}

/** 接件 / 办结 / 出件 per day. */
export function dayOption(byDay: readonly DayCount[]): ChartOption {
  return {
    color: [CHART_COLORS.blue, CHART_COLORS.green, CHART_COLORS.orange],
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: ['接件', '办结', '出件'] },
    grid: GRID,
    xAxis: { type: 'category', boundaryGap: false, data: byDay.map((d) => shortDate(d.date)) },
    yAxis: { type: 'value', minInterval: 1, name: '件' },
    series: [
      { name: '接件', type: 'line', symbolSize: 5, data: byDay.map((d) => d.logged) },
      { name: '办结', type: 'line', symbolSize: 5, data: byDay.map((d) => d.decided) },
      { name: '出件', type: 'line', symbolSize: 5, data: byDay.map((d) => d.delivered) },
    ],
  }
}

/** Cases by catalog category: horizontal bars, the largest on top. */
export function categoryOption(byCategory: readonly Tally[]): ChartOption {
  const sorted = [...byCategory].sort((a, b) => a.count - b.count) // ECharts draws the first at the bottom
  return {
    color: [CHART_COLORS.blue],
    tooltip: { ...TOOLTIP_AXIS, valueFormatter: (v: unknown) => `${v} 件` },
    grid: { ...GRID, top: 8 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: {
      type: 'category',
      data: sorted.map((t) => t.name),
      axisLabel: { width: 120, overflow: 'truncate' },
    },
    series: [{ name: '接件', type: 'bar', data: sorted.map((t) => t.count), barMaxWidth: 18, label: { show: true, position: 'right' } }],
  }
}

/** The gauge's colour bands: red below 80 %, yellow below 95 %, green above. */
export function onTimeColor(rate: number): string {
  if (rate < 0.8) return CHART_COLORS.red
  if (rate < 0.95) return CHART_COLORS.yellow
  return CHART_COLORS.green
}

/** 按时办结率 as a gauge (0–100 %). */
export function onTimeOption(rate: number, onTime: number, decidedWithDue: number): ChartOption {
  const value = decidedWithDue ? Math.round(rate * 1000) / 10 : 0
  return {
    series: [
      {
        name: '按时办结率',
        type: 'gauge',
        min: 0,
        max: 100,
        startAngle: 200,
        endAngle: -20,
        radius: '88%',
        center: ['50%', '55%'],
        progress: { show: true, width: 16, itemStyle: { color: onTimeColor(rate) } },
        axisLine: { lineStyle: { width: 16 } },
        axisTick: { show: false },
        splitLine: { length: 8, lineStyle: { width: 1, color: '#c0c4cc' } },
        axisLabel: { distance: 20, color: '#909399', fontSize: 11 },
        pointer: { show: false },
        anchor: { show: false },
        title: { show: true, offsetCenter: [0, '58%'], fontSize: 13, color: '#606266' },
        detail: {
          valueAnimation: true,
          offsetCenter: [0, '-2%'],
          fontSize: 30,
          fontWeight: 600,
          color: decidedWithDue ? onTimeColor(rate) : '#909399',
          formatter: () => (decidedWithDue ? percent(rate) : '—'),
        },
        data: [{ value, name: decidedWithDue ? `按时 ${onTime} / 应办结 ${decidedWithDue} 件` : '期间内无应办结办件' }],
      },
    ],
  }
}

/** Each unit's open cases split into 正常 / 即将到期 / 已超期 (their sum is the unit's 在办). */
export function queueParts(q: UnitQueue): { normal: number; warning: number; overdue: number } {
  const warning = Math.max(0, q.warning)
  const overdue = Math.max(0, q.overdue)
  return { normal: Math.max(0, q.open - warning - overdue), warning, overdue }
}

/** The units in the order the queue chart draws them (bottom to top: the longest on top). */
export function queueOrder(queues: readonly UnitQueue[]): UnitQueue[] {
  return [...queues].sort((a, b) => a.open - b.open)
}

/** Open cases per township unit, stacked: 正常 / 即将到期 / 已超期; the longest queue on top. */
export function queueOption(queues: readonly UnitQueue[]): ChartOption {
  const sorted = queueOrder(queues)
  const parts = sorted.map(queueParts)
  const bar = (name: string, color: string, data: number[]) => ({
    name,
    type: 'bar',
    stack: 'open',
    data,
    itemStyle: { color },
    barMaxWidth: 18,
    emphasis: { focus: 'series' },
  })
  const [warning, overdue] = [wordLabel(WORDS.urgencies, 'warning'), wordLabel(WORDS.urgencies, 'overdue')]
  return {
    tooltip: TOOLTIP_AXIS,
    legend: { top: 0, data: ['正常', warning, overdue] },
    grid: GRID,
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: sorted.map((q) => q.unit_name), axisLabel: { width: 120, overflow: 'truncate' } },
    series: [
      bar('正常', CHART_COLORS.blue, parts.map((p) => p.normal)),
      bar(warning, CHART_COLORS.yellow, parts.map((p) => p.warning)),
      bar(overdue, CHART_COLORS.red, parts.map((p) => p.overdue)),
    ],
  }
}

/** Ratings 1–5 as bars (red for 1–2, yellow for 3, green for 4–5), labelled from the vocabulary. */
export function ratingOption(r: RatingSummary, labels: readonly string[] | null | undefined): ChartOption {
  const names = [1, 2, 3, 4, 5].map((lv) => labels?.[lv - 1] ?? `${lv} 分`)
  const colors = [CHART_COLORS.red, CHART_COLORS.red, CHART_COLORS.yellow, CHART_COLORS.green, CHART_COLORS.green]
  return {
    tooltip: { ...TOOLTIP_AXIS, valueFormatter: (v: unknown) => `${v} 件` },
    grid: GRID,
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0 } },
    yAxis: { type: 'value', minInterval: 1, name: '件' },
    series: [
      {
        name: '评价',
        type: 'bar',
        barMaxWidth: 36,
        label: { show: true, position: 'top' },
        data: [0, 1, 2, 3, 4].map((i) => ({ value: r.levels[i] ?? 0, itemStyle: { color: colors[i] } })),
      },
    ],
  }
}
