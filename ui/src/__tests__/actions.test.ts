import { describe, expect, it } from 'vitest'
import type { ActionInfo } from '../bindings/ActionInfo'
import type { Action } from '../bindings/Action'
import type { CaseDetail } from '../bindings/CaseDetail'
import type { CaseMaterial } from '../bindings/CaseMaterial'
import type { CaseState } from '../bindings/CaseState'
import type { LifecycleTable } from '../bindings/LifecycleTable'
import type { Role } from '../bindings/Role'
import {
  actParams,
  actionButtonType,
  actionFields,
  actionFormMissing,
  allowedActions,
  canTake,
  caseActions,
  emptyActionForm,
  forwardOpen,
  stateHint,
  suppliable,
} from '../actions'

const ac = (action: Action, label: string, needs_reason = false): ActionInfo => ({
  action,
  key: action,
  label,
  needs_reason,
  accepts: ['accept', 'accept_pending', 'instant'].includes(action),
})

// The rows of the Rust table (hall-core lifecycle.rs) that these tests touch.
const tr = (action: Action, from: CaseState, to: CaseState, roles: Role[]) => ({ action, from, to, roles })
const table: LifecycleTable = {
  states: [],
  actions: [
    ac('accept', '受理'),
    ac('accept_pending', '容缺受理'),
    ac('refuse', '不予受理', true),
    ac('notify_missing', '一次性告知'),
    ac('instant', '即办办结'),
    ac('withdraw', '撤回', true),
    ac('claim', '认领'),
    ac('transfer', '转办', true),
    ac('request_supplement', '要求补正', true),
    ac('special_start', '启动特别程序'),
    ac('forward', '上报县级部门'),
    ac('county_result', '登记县级结果', true),
    ac('approve', '办结（通过）'),
    ac('approve_pending', '办结（容缺通过）'),
    ac('reject', '办结（不通过）', true),
    ac('deliver', '出件'),
    ac('lapse', '容缺逾期终止', true),
    ac('revoke', '撤销', true),
  ],
  transitions: [
    tr('accept', 'logged', 'accepted', ['clerk']),
    tr('accept_pending', 'logged', 'accepted', ['clerk']),
    tr('refuse', 'logged', 'refused', ['clerk']),
    tr('notify_missing', 'logged', 'logged', ['clerk']),
    tr('instant', 'logged', 'approved', ['clerk']),
    tr('withdraw', 'logged', 'cancelled', ['clerk', 'supervisor']),
    tr('claim', 'accepted', 'processing', ['officer']),
    tr('transfer', 'accepted', 'accepted', ['officer', 'supervisor']),
    tr('transfer', 'processing', 'accepted', ['officer', 'supervisor']),
    tr('lapse', 'accepted', 'revoked', ['officer', 'supervisor']),
    tr('withdraw', 'accepted', 'withdrawn', ['clerk', 'supervisor']),
    tr('revoke', 'accepted', 'revoked', ['supervisor']),
    tr('request_supplement', 'processing', 'supplement', ['officer']),
    tr('special_start', 'processing', 'special', ['officer']),
    tr('forward', 'processing', 'processing', ['officer']),
    tr('county_result', 'processing', 'processing', ['officer']),
    tr('approve', 'processing', 'approved', ['officer']),
    tr('approve_pending', 'processing', 'approved_pending', ['officer']),
    tr('reject', 'processing', 'rejected', ['officer']),
    tr('lapse', 'processing', 'revoked', ['officer', 'supervisor']),
    tr('deliver', 'approved', 'delivered', ['clerk']),
  ],
}

const mat = (name: string, required: boolean, deferrable: boolean, submitted: boolean): CaseMaterial => ({
  name,
  form: '原件',
  copies: 1,
  required,
  deferrable,
  submitted,
})

function detail(p: Partial<CaseDetail>): CaseDetail {
  return {
    uuid: 'u',
    item_kind: '承诺件',
    catalog_version: 'v1',
    promised_days: 5,
    paused_days: 0,
    paused_on: null,
    commitment_due: null,
    calendar_warning: null,
    applicant: { kind: 'person', name: '王小二', id_masked: '2301**********8519', phone_masked: '', address_masked: '' },
    agent: null,
    logged_by: '孙丽娟',
    assignee: null,
    closed_at: null,
    materials: [mat('申请书', true, false, true)],
    events: [],
    supplement_due: null,
    supplement_urgency: 'none',
    delivery: null,
    rating: null,
    follow_up_open: false,
    documents: [],
    sync_state: null,
    number: 'N1',
    item_code: 'C',
    item_name: '事项',
    applicant_name: '王小二',
    applicant_id_masked: '',
    state: 'processing',
    state_label: '办理中',
    unit: 'MZ',
    unit_name: '民政办',
    logged_at: '2026-09-30 09:00:00',
    accepted_on: null,
    due_date: null,
    urgency: 'normal',
    ...p,
  }
}

const ev = (action: string) => ({ at: '', actor: '', action, action_label: '', from_state: null, to_state: null, note: '' })
const keys = (xs: { info: ActionInfo }[]) => xs.map((x) => x.info.action)

describe('actions from the lifecycle table', () => {
  it('lists what the role may do from the state, in table order', () => {
    expect(allowedActions(table, 'logged', 'clerk').map((a) => a.action)).toEqual([
      'accept',
      'accept_pending',
      'refuse',
      'notify_missing',
      'instant',
      'withdraw',
    ])
    expect(allowedActions(table, 'logged', 'officer')).toEqual([])
    expect(allowedActions(table, 'accepted', 'supervisor').map((a) => a.action)).toEqual(['withdraw', 'transfer', 'lapse', 'revoke'])
    expect(allowedActions(null, 'accepted', 'officer')).toEqual([])
    expect(canTake(table, 'transfer', 'processing', 'supervisor')).toBe(true)
    expect(canTake(table, 'transfer', 'supplement', 'supervisor')).toBe(false)
  })

  it('an officer only acts on cases of their own unit', () => {
    const c = detail({ state: 'accepted' })
    expect(keys(caseActions(table, c, { role: 'officer', unit: 'MZ' }))).toEqual(['claim', 'transfer'])
    expect(caseActions(table, c, { role: 'officer', unit: 'NY' })).toEqual([])
    expect(caseActions(table, c, null)).toEqual([])
  })

  it('上报 and 县级结果 only for 上报件, in turn', () => {
    const officer = { role: 'officer' as const, unit: 'MZ' }
    const promised = keys(caseActions(table, detail({}), officer))
    expect(promised).not.toContain('forward')
    expect(promised).not.toContain('county_result')
    const fwd = detail({ item_kind: '上报件' })
    expect(keys(caseActions(table, fwd, officer))).toContain('forward')
    expect(keys(caseActions(table, fwd, officer))).not.toContain('county_result')
    const sent = detail({ item_kind: '上报件', events: [ev('claim'), ev('forward')] })
    expect(forwardOpen(sent.events)).toBe(true)
    expect(keys(caseActions(table, sent, officer))).toContain('county_result')
    expect(keys(caseActions(table, sent, officer))).not.toContain('forward')
    expect(forwardOpen([ev('forward'), ev('county_result')])).toBe(false)
  })

  it('容缺 steps only while 容缺 materials are out', () => {
    const officer = { role: 'officer' as const, unit: 'MZ' }
    expect(keys(caseActions(table, detail({}), officer))).not.toContain('approve_pending')
    expect(keys(caseActions(table, detail({}), officer))).not.toContain('lapse')
    const pending = detail({ materials: [mat('银行卡', true, true, false)], commitment_due: '2026-10-01' })
    expect(keys(caseActions(table, pending, officer, '2026-10-02'))).toContain('approve_pending')
    expect(keys(caseActions(table, pending, officer, '2026-10-02'))).toContain('lapse')
    // Before the commitment date has passed there is nothing to end.
    expect(keys(caseActions(table, pending, officer, '2026-10-01'))).not.toContain('lapse')
  })

  it('at the desk the acceptance buttons follow the materials', () => {
    const clerk = { role: 'clerk' as const, unit: null }
    const missingHard = detail({ state: 'logged', materials: [mat('身份证', true, false, false)] })
    const byKey = Object.fromEntries(caseActions(table, missingHard, clerk).map((a) => [a.info.action, a.disabled]))
    expect(byKey.accept).toContain('身份证')
    expect(byKey.accept_pending).toContain('不允许容缺')
    expect(byKey.notify_missing).toBe('')
    expect(byKey.refuse).toBe('')
    expect('instant' in byKey).toBe(false) // 承诺件
    const complete = detail({ state: 'logged', item_kind: '即办件' })
    const ok = Object.fromEntries(caseActions(table, complete, clerk).map((a) => [a.info.action, a.disabled]))
    expect(ok.accept).toBe('')
    expect(ok.instant).toBe('')
    expect(ok.notify_missing).not.toBe('')
  })

  it('colours the buttons', () => {
    expect(actionButtonType('reject')).toBe('danger')
    expect(actionButtonType('claim')).toBe('primary')
    expect(actionButtonType('forward')).toBe('default')
  })
})

describe('action dialogs', () => {
  const info = (a: Action) => table.actions.find((x) => x.action === a)!

  it('ask only for what each action needs', () => {
    const t = actionFields(info('transfer'))
    expect([t.unit, t.note]).toEqual([true, 'required'])
    const s = actionFields(info('request_supplement'))
    expect([s.due, s.note, s.noteLabel]).toEqual([true, 'required', '需补正的内容'])
    const k = actionFields(info('special_start'))
    expect([k.kind, k.note]).toEqual([true, 'optional'])
    expect(actionFields(info('forward'))).toMatchObject({ date: true, note: 'none', dateLabel: '上报日期' })
    expect(actionFields(info('county_result'))).toMatchObject({ date: true, note: 'required' })
    expect(actionFields(info('deliver'))).toMatchObject({ delivery: true, note: 'none' })
    expect(actionFields(info('claim'))).toMatchObject({ note: 'none', unit: false, date: false, delivery: false })
  })

  it('checks emptiness only', () => {
    const f = emptyActionForm()
    expect(actionFormMissing(actionFields(info('transfer')), f)).toBe('请选择接收单位')
    expect(actionFormMissing(actionFields(info('transfer')), { ...f, unit: 'NY' })).toBe('请填写转办理由')
    expect(actionFormMissing(actionFields(info('claim')), f)).toBeNull()
    const d = actionFields(info('deliver'))
    expect(actionFormMissing(d, f)).toBe('请填写领取人姓名')
    expect(actionFormMissing(d, { ...f, method: 'mail' })).toBe('请填写邮寄单号')
    expect(actionFormMissing(d, { ...f, collectorName: '王小二', collectorId: '230102199003078519' })).toBeNull()
  })

  it('builds the parameters Rust expects', () => {
    const f = { ...emptyActionForm('in_person', '2026-10-01'), note: ' 理由 ', unit: 'NY', due: '2026-10-09', kind: '听证' }
    expect(actParams(actionFields(info('transfer')), f)).toEqual({
      note: '理由',
      unit: 'NY',
      due: null,
      kind: null,
      date: null,
      delivery: null,
    })
    expect(actParams(actionFields(info('forward')), f)).toMatchObject({ note: '', date: '2026-10-01', unit: null })
    expect(actParams(actionFields(info('request_supplement')), f)).toMatchObject({ due: '2026-10-09', note: '理由' })
    expect(actParams(actionFields(info('deliver')), { ...f, method: 'mail', tracking: ' SF123 ' }).delivery).toEqual({
      method: 'mail',
      collector_name: '',
      collector_id: '',
      tracking: 'SF123',
    })
    expect(
      actParams(actionFields(info('deliver')), { ...f, method: 'agent', collectorName: '李四', collectorId: 'X' }).delivery,
    ).toEqual({ method: 'agent', collector_name: '李四', collector_id: 'X', tracking: '' })
  })
})

describe('case page helpers', () => {
  it('says what to do next for the role', () => {
    expect(stateHint(detail({ state: 'accepted' }), 'officer', false)).toContain('认领')
    expect(stateHint(detail({ state: 'accepted' }), 'clerk', false)).toBe('')
    expect(stateHint(detail({ state: 'processing', item_kind: '上报件' }), 'officer', false)).toContain('上报县级部门')
    expect(stateHint(detail({ state: 'approved' }), 'clerk', true)).toContain('出件')
    expect(stateHint(detail({ state: 'approved' }), 'officer', true)).toBe('')
  })

  it('offers materials to register as brought later', () => {
    const mats = [mat('申请书', true, false, false), mat('银行卡', true, true, false), mat('照片', false, false, false)]
    expect(suppliable(detail({ state: 'logged', materials: mats }), false).map((m) => m.name)).toEqual(['申请书', '银行卡', '照片'])
    expect(suppliable(detail({ state: 'accepted', materials: mats }), false).map((m) => m.name)).toEqual(['银行卡', '照片'])
    expect(suppliable(detail({ state: 'accepted', materials: [mat('照片', false, false, false)] }), false)).toEqual([])
    expect(suppliable(detail({ state: 'delivered', materials: mats }), true)).toEqual([])
  })
})
