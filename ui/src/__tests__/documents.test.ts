import { describe, expect, it } from 'vitest'
import type { CasePaper } from '../bindings/CasePaper'
import {
  docKey,
  docTitle,
  isCancelMessage,
  looksLikePdf,
  offeredPapers,
  paperLabel,
  papersForOutcome,
  toPdfBytes,
} from '../documents'

describe('papers', () => {
  it('names each paper in Chinese', () => {
    expect(paperLabel('receipt')).toBe('受理回执')
    expect(paperLabel('notice')).toBe('一次性告知书')
    expect(paperLabel('refusal')).toBe('不予受理通知书')
    expect(paperLabel('commitment')).toBe('容缺受理承诺书')
    expect(paperLabel('delivery')).toBe('出件签收单')
  })

  it('offers the paper of each outcome, the one to hand over first at the head', () => {
    expect(papersForOutcome('accept')).toEqual(['receipt'])
    expect(papersForOutcome('instant')).toEqual(['receipt'])
    expect(papersForOutcome('accept_pending')).toEqual(['commitment', 'receipt'])
    expect(papersForOutcome('notify_missing')).toEqual(['notice'])
    expect(papersForOutcome('refuse')).toEqual(['refusal'])
    expect(papersForOutcome('deliver')).toEqual(['delivery'])
    expect(papersForOutcome('claim')).toEqual([])
    expect(papersForOutcome('approve')).toEqual([])
    expect(papersForOutcome('reject')).toEqual(['decision'])
    expect(papersForOutcome('supplement_lapse')).toEqual(['deemed_withdrawn'])
  })

  it('offers only what Rust says the case can print, titled as Rust titles it', () => {
    const offer = (paper: CasePaper, title = paperLabel(paper)) => ({ paper, title })
    expect(offeredPapers('accept_pending', [offer('receipt'), offer('commitment')])).toEqual([
      offer('commitment'),
      offer('receipt'),
    ])
    expect(offeredPapers('deliver', [offer('receipt')])).toEqual([])
    expect(offeredPapers('refuse', undefined)).toEqual([offer('refusal')])
    expect(offeredPapers('reject', [offer('decision', '不予许可决定书')])).toEqual([offer('decision', '不予许可决定书')])
  })
})

describe('document requests', () => {
  it('titles them as Rust does', () => {
    expect(docTitle({ type: 'case', number: '231221102-20261120-0001', paper: 'receipt' })).toBe(
      '受理回执（231221102-20261120-0001）',
    )
    expect(docTitle({ type: 'daily', date: '2026-11-20' })).toBe('每日服务台账（2026-11-20）')
    expect(docTitle({ type: 'period', from: '2026-11-01', to: '2026-11-20' })).toBe('服务统计报告（2026-11-01 至 2026-11-20）')
    expect(docTitle({ type: 'catalog_wall' })).toBe('政务服务事项公示')
  })

  it('keys them so a changed request is told apart', () => {
    expect(docKey({ type: 'daily', date: '2026-11-20' })).not.toBe(docKey({ type: 'daily', date: '2026-11-19' }))
    expect(docKey({ type: 'case', number: 'N', paper: 'receipt' })).not.toBe(docKey({ type: 'case', number: 'N', paper: 'notice' }))
    expect(docKey(null)).toBe('')
  })
})

describe('PDF bytes', () => {
  const pdf = [0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37]

  it('takes a raw ArrayBuffer, a typed array or a JSON array of numbers', () => {
    expect(Array.from(toPdfBytes(new Uint8Array(pdf).buffer) ?? [])).toEqual(pdf)
    expect(Array.from(toPdfBytes(new Uint8Array(pdf)) ?? [])).toEqual(pdf)
    expect(Array.from(toPdfBytes(pdf) ?? [])).toEqual(pdf)
    expect(toPdfBytes('%PDF')).toBeNull()
    expect(toPdfBytes({ code: 'x' })).toBeNull()
  })

  it('recognises a PDF by its header', () => {
    expect(looksLikePdf(new Uint8Array(pdf))).toBe(true)
    expect(looksLikePdf(new Uint8Array([0x7b, 0x22]))).toBe(false)
    expect(looksLikePdf(null)).toBe(false)
  })

  it('tells a cancelled save from a saved one', () => {
    expect(isCancelMessage('已取消保存')).toBe(true)
    expect(isCancelMessage('已保存到 /home/a/受理回执.pdf')).toBe(false)
  })
})
