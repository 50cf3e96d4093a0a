import { describe, expect, it } from 'vitest'
import type { Action } from '../bindings/Action'
import { actParams, actionFormMissing, DELIVERY_METHODS, emptyActionForm, tableAllows, toneButton } from '../actions'
import { actionInfo, LIMITS, WORDS, wordLabel } from '../words'

// The dialogs and tones are Rust's (the generated vocabulary); these check that the helpers
// read them and build the request from them.
const form = (a: Action) => actionInfo(a)!.form

describe('action buttons', () => {
  it('take their colour from the tone Rust gives the action', () => {
    expect(actionInfo('reject')?.tone).toBe('danger')
    expect(actionInfo('claim')?.tone).toBe('primary')
    expect(actionInfo('forward')?.tone).toBe('default')
    expect(toneButton('danger')).toEqual({ type: 'danger', plain: true })
    expect(toneButton('primary')).toEqual({ type: 'primary', plain: false })
    expect(toneButton('default')).toEqual({ type: undefined, plain: false })
  })

  it('every action of the table has its label and dialog', () => {
    for (const a of WORDS.actions) {
      expect(a.label).not.toBe('')
      expect(a.form.note.max_len).toBe(LIMITS.note)
    }
  })
})

describe('action dialogs', () => {
  it('ask only for what the form names', () => {
    expect([form('transfer').unit, form('transfer').note.need]).toEqual([true, 'required'])
    expect([form('request_supplement').due_label, form('request_supplement').note.label]).toEqual([
      '补正期限（选填）',
      '需补正的内容',
    ])
    expect(form('special_start').special_kinds).toEqual(WORDS.special_kinds)
    expect(form('forward')).toMatchObject({ date_label: '上报日期', confirm: false })
    expect(form('claim')).toMatchObject({ unit: false, delivery: false, confirm: true })
    expect(DELIVERY_METHODS.map((m) => m.value)).toEqual(['in_person', 'agent', 'mail'])
  })

  it('checks emptiness only', () => {
    const f = emptyActionForm()
    expect(actionFormMissing(form('transfer'), f)).toBe('请选择接收单位')
    expect(actionFormMissing(form('transfer'), { ...f, unit: 'NY' })).toBe('请填写转办理由')
    expect(actionFormMissing(form('claim'), f)).toBeNull()
    expect(actionFormMissing(form('special_start'), f)).toBe('请选择特别程序种类')
    const d = form('deliver')
    expect(actionFormMissing(d, f)).toBe('请填写领取人姓名')
    expect(actionFormMissing(d, { ...f, method: 'mail' })).toBe('请填写邮寄单号')
    expect(actionFormMissing(d, { ...f, collectorName: '王小二', collectorId: '230102199003078519' })).toBeNull()
  })

  it('builds the parameters Rust expects', () => {
    const f = { ...emptyActionForm('in_person', '2026-10-01'), note: ' 理由 ', unit: 'NY', due: '2026-10-09', kind: '听证' }
    expect(actParams(form('transfer'), f)).toEqual({ note: '理由', unit: 'NY', due: null, kind: null, date: null, delivery: null })
    expect(actParams(form('forward'), f)).toMatchObject({ note: '', date: '2026-10-01', unit: null })
    expect(actParams(form('request_supplement'), f)).toMatchObject({ due: '2026-10-09', note: '理由' })
    expect(actParams(form('special_start'), f)).toMatchObject({ kind: '听证', note: '理由' })
    expect(actParams(form('deliver'), { ...f, method: 'mail', tracking: ' SF123 ' }).delivery).toEqual({
      method: 'mail',
      collector_name: '',
      collector_id: '',
      tracking: 'SF123',
    })
    expect(actParams(form('deliver'), { ...f, method: 'agent', collectorName: '李四', collectorId: 'X' }).delivery).toEqual({
      method: 'agent',
      collector_name: '李四',
      collector_id: 'X',
      tracking: '',
    })
  })
})

describe('list rows', () => {
  it('read the table for the supervisor’s 改派', () => {
    const table = { transitions: [{ action: 'transfer', from: 'processing', roles: ['officer', 'supervisor'] }] }
    expect(tableAllows(table, 'transfer', 'processing', 'supervisor')).toBe(true)
    expect(tableAllows(table, 'transfer', 'supplement', 'supervisor')).toBe(false)
    expect(tableAllows(null, 'transfer', 'processing', 'supervisor')).toBe(false)
  })
})

describe('the vocabulary', () => {
  it('names what the window shows', () => {
    expect(wordLabel(WORDS.roles, 'clerk')).toBe('前台受理员')
    expect(wordLabel(WORDS.delivery_methods, 'mail')).toBe('邮寄送达')
    expect(WORDS.states.find((s) => s.state === 'supplement')).toMatchObject({ label: '补正中', tag: 'warning' })
  })
})
