// Case actions on the detail page: which buttons the lifecycle table offers the logged-in role
// from the case's state, and what each one's dialog asks for. Rust re-checks every action.
import type { ActionInfo } from './bindings/ActionInfo'
import type { Action } from './bindings/Action'
import type { ActParams } from './bindings/ActParams'
import type { CaseDetail } from './bindings/CaseDetail'
import type { CaseEvent } from './bindings/CaseEvent'
import type { CaseMaterial } from './bindings/CaseMaterial'
import type { CaseState } from './bindings/CaseState'
import type { DeliveryMethod } from './bindings/DeliveryMethod'
import type { LifecycleTable } from './bindings/LifecycleTable'
import type { Role } from './bindings/Role'
import { toIsoDate, type TagType } from './format'

/** Actions the table allows `role` from `state`, in the table's order of actions. */
export function allowedActions(table: LifecycleTable | null | undefined, state: CaseState, role: Role | null | undefined): ActionInfo[] {
  if (!table || !role) return []
  const ok = new Set(table.transitions.filter((t) => t.from === state && t.roles.includes(role)).map((t) => t.action))
  return table.actions.filter((a) => ok.has(a.action))
}

/** Whether the table lets `role` take `action` from `state`. */
export function canTake(table: LifecycleTable | null | undefined, action: Action, state: CaseState, role: Role | null | undefined): boolean {
  return !!table && !!role && table.transitions.some((t) => t.action === action && t.from === state && t.roles.includes(role))
}

/** A 上报件 sent to the county whose result is not registered yet. */
export function forwardOpen(events: readonly Pick<CaseEvent, 'action'>[]): boolean {
  let open = false
  for (const e of events) {
    if (e.action === 'forward') open = true
    else if (e.action === 'county_result') open = false
  }
  return open
}

/** Required materials not handed in yet. */
export function missingRequired(materials: readonly CaseMaterial[]): CaseMaterial[] {
  return materials.filter((m) => m.required && !m.submitted)
}

export interface CaseAction {
  info: ActionInfo
  /** Why the button is greyed out ('' when live). */
  disabled: string
}

export interface Viewer {
  role: Role
  unit: string | null
}

/**
 * The buttons of the 操作 panel: the table's actions for the role and state, narrowed by facts
 * the table cannot know — an officer only works cases of their own unit; 上报/登记县级结果 only
 * for 上报件 (and in turn); 即办 only for 即办件; 容缺 steps only while 容缺 materials are out
 * (容缺逾期终止 only after the commitment date).
 * At the desk (已接件) the acceptance buttons follow the materials as in 前台受理.
 */
export function caseActions(
  table: LifecycleTable | null | undefined,
  c: CaseDetail,
  viewer: Viewer | null | undefined,
  today: string = toIsoDate(new Date()),
): CaseAction[] {
  if (!viewer) return []
  if (viewer.role === 'officer' && viewer.unit !== c.unit) return []
  const missing = missingRequired(c.materials)
  const missingHard = missing.filter((m) => !m.deferrable)
  const deferredOut = c.materials.some((m) => m.deferrable && !m.submitted)
  const fwdOpen = forwardOpen(c.events)
  const out: CaseAction[] = []
  for (const info of allowedActions(table, c.state, viewer.role)) {
    let disabled = ''
    switch (info.action) {
      case 'forward':
        if (c.item_kind !== '上报件' || fwdOpen) continue
        break
      case 'county_result':
        if (!fwdOpen) continue
        break
      case 'instant':
        if (c.item_kind !== '即办件') continue
        if (missing.length) disabled = '必需材料未齐全'
        break
      case 'accept':
        if (missing.length) disabled = `缺少必需材料：${missing.map((m) => m.name).join('、')}`
        break
      case 'accept_pending':
        if (!missing.length) disabled = '必需材料已齐全，请直接受理'
        else if (missingHard.length) disabled = `缺少的“${missingHard.map((m) => m.name).join('、')}”不允许容缺`
        break
      case 'notify_missing':
        if (!missing.length) disabled = '必需材料已齐全，无需一次性告知'
        break
      case 'approve_pending':
        if (!deferredOut) continue
        break
      case 'lapse':
        // Only once the 容缺 commitment is past its date with materials still out.
        if (!c.commitment_due || c.commitment_due >= today || !deferredOut) continue
        break
    }
    out.push({ info, disabled })
  }
  return out
}

const DANGER: ReadonlySet<Action> = new Set<Action>(['refuse', 'reject', 'withdraw', 'revoke', 'lapse'])
const PRIMARY: ReadonlySet<Action> = new Set<Action>(['accept', 'instant', 'claim', 'approve', 'deliver', 'supplement_received', 'special_end'])

/** Button colour: red for steps that end or refuse, blue for the usual next step. */
export function actionButtonType(a: Action): TagType | 'default' {
  if (DANGER.has(a)) return 'danger'
  if (PRIMARY.has(a)) return 'primary'
  return 'default'
}

export interface ActionFields {
  /** The note: required (needs_reason), optional, or not asked. */
  note: 'required' | 'optional' | 'none'
  noteLabel: string
  notePlaceholder: string
  unit: boolean
  due: boolean
  kind: boolean
  date: boolean
  dateLabel: string
  delivery: boolean
}

const NOTE_LABELS: Partial<Record<Action, [string, string]>> = {
  refuse: ['不予受理理由', '写明不予受理的理由（将告知申请人）'],
  withdraw: ['撤回理由', '例如：申请人书面申请撤回'],
  transfer: ['转办理由', '例如：不属于本单位职责，应由××办理'],
  request_supplement: ['需补正的内容', '写明需要申请人补正的材料或内容'],
  special_start: ['说明', '可填写程序的安排（选填）'],
  county_result: ['县级办理结果', '例如：县民政局审批通过，批准文号……'],
  reject: ['不通过理由', '写明不予通过的理由（将告知申请人）'],
  lapse: ['终止理由', '例如：容缺材料逾期未补齐'],
  revoke: ['撤销理由', '写明撤销的依据和理由'],
}

export function actionFields(info: Pick<ActionInfo, 'action' | 'needs_reason' | 'label'>): ActionFields {
  const a = info.action
  const [noteLabel, notePlaceholder] = NOTE_LABELS[a] ?? ['理由', `请写明“${info.label}”的理由`]
  return {
    note: info.needs_reason ? 'required' : a === 'special_start' ? 'optional' : 'none',
    noteLabel,
    notePlaceholder,
    unit: a === 'transfer',
    due: a === 'request_supplement',
    kind: a === 'special_start',
    date: a === 'forward' || a === 'county_result',
    dateLabel: a === 'forward' ? '上报日期' : '结果返回日期',
    delivery: a === 'deliver',
  }
}

export interface ActionForm {
  note: string
  unit: string
  due: string | null
  kind: string
  date: string | null
  method: DeliveryMethod
  collectorName: string
  collectorId: string
  tracking: string
}

export function emptyActionForm(method: DeliveryMethod = 'in_person', today: string | null = null): ActionForm {
  return { note: '', unit: '', due: null, kind: '', date: today, method, collectorName: '', collectorId: '', tracking: '' }
}

/** The first empty field the dialog needs (emptiness only; Rust checks the rest). */
export function actionFormMissing(f: ActionFields, form: ActionForm): string | null {
  if (f.unit && !form.unit) return '请选择接收单位'
  if (f.kind && !form.kind) return '请选择特别程序种类'
  if (f.note === 'required' && !form.note.trim()) return `请填写${f.noteLabel}`
  if (f.delivery) {
    if (form.method === 'mail') {
      if (!form.tracking.trim()) return '请填写邮寄单号'
    } else {
      if (!form.collectorName.trim()) return '请填写领取人姓名'
      if (!form.collectorId.trim()) return '请填写领取人身份证号'
    }
  }
  return null
}

export function actParams(f: ActionFields, form: ActionForm): ActParams {
  return {
    note: f.note === 'none' ? '' : form.note.trim(),
    unit: f.unit ? form.unit || null : null,
    due: f.due ? form.due || null : null,
    kind: f.kind ? form.kind || null : null,
    date: f.date ? form.date || null : null,
    delivery: f.delivery
      ? form.method === 'mail'
        ? { method: 'mail', collector_name: '', collector_id: '', tracking: form.tracking.trim() }
        : {
            method: form.method,
            collector_name: form.collectorName.trim(),
            collector_id: form.collectorId.trim(),
            tracking: '',
          }
      : null,
  }
}

export const DELIVERY_METHODS: { value: DeliveryMethod; label: string }[] = [
  { value: 'in_person', label: '本人领取' },
  { value: 'agent', label: '代办人领取' },
  { value: 'mail', label: '邮寄送达' },
]

/** One line telling the logged-in role what to do next with a case in this state. */
export function stateHint(c: Pick<CaseDetail, 'state' | 'item_kind'>, role: Role | null | undefined, readyForPickup: boolean): string {
  if (!role) return ''
  const desk = role === 'clerk'
  const office = role === 'officer'
  switch (c.state) {
    case 'logged':
      return desk ? '本件已接件、尚未受理（如已一次性告知）：群众补齐材料后，先“登记补交材料”，再受理。' : ''
    case 'accepted':
      return office ? '已受理，等待本单位认领：点“认领”后开始办理。' : ''
    case 'processing':
      if (!office) return ''
      return c.item_kind === '上报件'
        ? '办理中（上报件）：审核后“上报县级部门”，县级结果返回后“登记县级结果”，再办结。'
        : '办理中：需群众补充材料点“要求补正”；需听证、检验、鉴定等点“启动特别程序”；办完点“办结”。'
    case 'supplement':
      return desk || office ? '补正中（暂停计时）：群众带来补正材料后点“补正完成”，计时恢复。' : ''
    case 'special':
      return office ? '特别程序中（暂停计时）：程序结束后点“结束特别程序”，计时恢复。' : ''
    case 'delivered':
      return desk || role === 'supervisor' ? '已出件。群众尚未评价的，请在下方登记评价。' : ''
  }
  if (readyForPickup && desk) return '结果已到统一出件窗口：查验领取人身份证后点“出件”，再请群众评价。'
  return ''
}

/** Materials the desk or the office may register as brought later: all not yet handed in while
 *  the case is only logged, else the 容缺 ones (and optional ones) still out. Empty when closed. */
export function suppliable(c: Pick<CaseDetail, 'state' | 'materials'>, closed: boolean): CaseMaterial[] {
  if (closed) return []
  const out = c.materials.filter((m) => !m.submitted)
  if (c.state === 'logged') return out
  return out.some((m) => m.required && m.deferrable) ? out.filter((m) => m.deferrable || !m.required) : []
}
