// Rendering helpers of the case actions. Which actions a user gets, whether each is live and
// why not, and what each dialog asks for all come from Rust (`CaseDetail.actions`, the
// vocabulary's `ActionInfo.form` and `tone`); here the dialog's fields become `ActParams`.
import type { ActionForm as FormSpec } from './bindings/ActionForm'
import type { ActParams } from './bindings/ActParams'
import type { DeliveryMethod } from './bindings/DeliveryMethod'
import type { Tone } from './bindings/Tone'
import { WORDS } from './words'

/** Element Plus button props for a tone: red plain for danger, blue for primary. */
export function toneButton(tone: Tone): { type: 'danger' | 'primary' | undefined; plain: boolean } {
  return { type: tone === 'default' ? undefined : tone, plain: tone === 'danger' }
}

/** What the user typed into the dialog. */
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

/** The first empty field the dialog asks for (emptiness only; Rust checks the rest). */
export function actionFormMissing(f: FormSpec, form: ActionForm): string | null {
  if (f.unit && !form.unit) return '请选择接收单位'
  if (f.special_kinds && !form.kind) return '请选择特别程序种类'
  if (f.note.need === 'required' && !form.note.trim()) return `请填写${f.note.label}`
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

/** The request's parameters: only what the form asks for. */
export function actParams(f: FormSpec, form: ActionForm): ActParams {
  return {
    note: f.note.need === 'none' ? '' : form.note.trim(),
    unit: f.unit ? form.unit || null : null,
    due: f.due_label ? form.due || null : null,
    kind: f.special_kinds ? form.kind || null : null,
    date: f.date_label ? form.date || null : null,
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

/** 本人领取 / 代办人领取 / 邮寄送达, as Rust names them. */
export const DELIVERY_METHODS = WORDS.delivery_methods

/**
 * Whether the table has a row for `action` from `state` for `role`: only for list rows (the
 * supervisor's 改派 in a queue), which carry no offers; Rust judges the act itself.
 */
export function tableAllows(
  table: { transitions: readonly { action: string; from: string; roles: readonly string[] }[] } | null | undefined,
  action: string,
  state: string,
  role: string | null | undefined,
): boolean {
  return !!table && !!role && table.transitions.some((t) => t.action === action && t.from === state && t.roles.includes(role))
}
