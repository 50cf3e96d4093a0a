import { describe, expect, it } from 'vitest'
import type { Figures } from '../bindings/Figures'
import { figureCards, topTally } from '../reports'
import { categoryOption, hourOption, onTimeColor, queueOption, queueParts, ratingOption } from '../charts'

function figures(p: Partial<Figures> = {}): Figures {
  return {
    from: '2026-11-01',
    to: '2026-11-20',
    counts: { logged: 40, accepted: 30, refused: 2, notified: 5, instant: 3, decided: 25, delivered: 20, withdrawn: 1, overdue: 2, supplement_repeat: 1, supplement_lapsed: 0 },
    by_category: [],
    by_unit: [],
    supplement_repeat_by_unit: [],
    by_clerk: [],
    by_hour: Array.from({ length: 24 }, () => 0),
    by_day: [],
    on_time: 23,
    decided_with_due: 25,
    on_time_rate: 0.92,
    item_days: [],
    county: [],
    ratings: {
      count: 10,
      levels: [1, 0, 1, 3, 5],
      average: 4.1,
      satisfied_rate: 0.8,
      by_channel: [
        { channel: 'screen', count: 3, levels: [1, 0, 0, 1, 1], average: 3.33, satisfied_rate: 2 / 3 },
        { channel: 'staff', count: 7, levels: [0, 0, 1, 2, 4], average: 4.43, satisfied_rate: 6 / 7 },
      ],
    },
    follow_ups: [],
    consultations: {
      logged: 0,
      by_clerk: [],
      callbacks_asked: 0,
      callbacks_closed: 0,
      callbacks_open: 0,
      callbacks_overdue: 0,
      top_topics: [],
    },
    demands: { logged: 0, by_kind: [], by_category: [], by_village: [], adopted: 0, declined: 0, answered: 0, waiting_review: 0 },
    admission: { by_department: [], refused_by_rule: [] },
    coordination: [],
    ...p,
  }
}

describe('figure cards', () => {
  it('shows the counts, the on-time rate and the ratings', () => {
    const cards = figureCards(figures())
    const by = (k: string) => cards.find((c) => c.key === k)!
    expect(by('logged').value).toBe('40')
    expect(by('overdue').tone).toBe('bad')
    expect(by('on-time').value).toBe('92.0%')
    expect(by('on-time').note).toBe('按时 23 / 应办结 25')
    expect(by('ratings').note).toContain('满意率 80.0%')
    expect(by('ratings').note).toContain('评价器 3 · 窗口代录 7')
  })

  it('shows — for the on-time rate when nothing was due', () => {
    const cards = figureCards(figures({ on_time: 0, decided_with_due: 0, on_time_rate: 1 }))
    expect(cards.find((c) => c.key === 'on-time')!.value).toBe('—')
  })

  it('keeps the largest entries of a tally and sums the rest into 其他', () => {
    const list = [
      { name: 'a', count: 1 },
      { name: 'b', count: 5 },
      { name: 'c', count: 3 },
      { name: 'd', count: 2 },
    ]
    expect(topTally(list, 3)).toEqual([
      { name: 'b', count: 5 },
      { name: 'c', count: 3 },
      { name: '其他', count: 3 },
    ])
    expect(topTally(list, 4).map((x) => x.name)).toEqual(['b', 'c', 'd', 'a'])
  })
})

describe('chart options', () => {
  it('draws 24 hours, padding missing ones with 0', () => {
    const opt = hourOption([1, 2, 3]) as { series: { data: number[] }[]; xAxis: { data: string[] } }
    expect(opt.series[0].data).toHaveLength(24)
    expect(opt.series[0].data.slice(0, 4)).toEqual([1, 2, 3, 0])
    expect(opt.xAxis.data[8]).toBe('8时')
  })

  it('splits a unit queue into 正常, 即将到期 and 已超期 that add up to 在办', () => {
    expect(queueParts({ unit: 'T', unit_name: '社会事务办', open: 10, warning: 3, overdue: 2 })).toEqual({
      normal: 5,
      warning: 3,
      overdue: 2,
    })
    const opt = queueOption([
      { unit: 'A', unit_name: '甲', open: 2, warning: 0, overdue: 1 },
      { unit: 'B', unit_name: '乙', open: 7, warning: 2, overdue: 0 },
    ]) as { yAxis: { data: string[] }; series: { name: string; data: number[] }[] }
    expect(opt.yAxis.data).toEqual(['甲', '乙']) // the longest queue is drawn on top
    expect(opt.series.map((s) => s.name)).toEqual(['正常', '即将到期', '已超期'])
    expect(opt.series[0].data).toEqual([1, 5])
  })

  it('sorts categories so the largest is on top', () => {
    const opt = categoryOption([
      { name: '户籍管理', count: 9 },
      { name: '社会保险', count: 4 },
    ]) as { yAxis: { data: string[] } }
    expect(opt.yAxis.data).toEqual(['社会保险', '户籍管理'])
  })

  it('labels rating levels from the vocabulary', () => {
    const opt = ratingOption({ count: 3, levels: [0, 0, 1, 1, 1], average: 4, satisfied_rate: 2 / 3, by_channel: [] }, [
      '非常不满意',
      '不满意',
      '基本满意',
      '满意',
      '非常满意',
    ]) as { xAxis: { data: string[] }; series: { data: { value: number }[] }[] }
    expect(opt.xAxis.data[4]).toBe('非常满意')
    expect(opt.series[0].data.map((d) => d.value)).toEqual([0, 0, 1, 1, 1])
  })

  it('colours the on-time gauge by how good it is', () => {
    expect(onTimeColor(0.5)).not.toBe(onTimeColor(0.99))
    expect(onTimeColor(0.9)).not.toBe(onTimeColor(0.99))
  })
})
