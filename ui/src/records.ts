// Fixed words of the hall's own records (lists, 准入, 诉求, 县乡联动) that the screens need before
// any record is loaded (filters, form options). Records themselves carry their labels from Rust;
// these mirror the Rust enums' labels and are unit-tested against the bindings' keys.
import type { DemandState } from './bindings/DemandState'
import type { DutyList } from './bindings/DutyList'
import type { DutySide } from './bindings/DutySide'
import type { IssueUrgency } from './bindings/IssueUrgency'
import type { TaskState } from './bindings/TaskState'
import type { PublicList } from './bindings/PublicList'
import type { TagType } from './format'

export interface ListTab {
  /** Tab key, `save_export`'s list name and the testid suffix. */
  key: PublicList
  label: string
  /** The DutyList for the three lists kept as lists; none for the service catalog. */
  list: DutyList | null
}

/** 三张清单 (and the 职责清单 beside them), in the order the policy names them. */
export const LIST_TABS: readonly ListTab[] = [
  { key: 'power', label: '权力清单', list: '权力清单' },
  { key: 'responsibility', label: '责任清单', list: '责任清单' },
  { key: 'duty', label: '职责清单', list: '职责清单' },
  { key: 'service', label: '公共服务清单', list: null },
]

export function listTab(key: string | null | undefined): ListTab {
  return LIST_TABS.find((t) => t.key === key) ?? LIST_TABS[0]
}

/** 乡镇主责 green, 部门牵头乡镇配合 blue, 县级部门 grey: who carries the entry at a glance. */
export function sideTagType(side: DutySide | null | undefined): TagType {
  switch (side) {
    case '乡镇主责':
      return 'success'
    case '部门牵头乡镇配合':
      return 'primary'
    default:
      return 'info'
  }
}

export interface UrgencyOption {
  value: IssueUrgency
  label: string
  /** Working days the county department has to answer (IssueUrgency::answer_days in Rust). */
  days: number
}

export const URGENCY_OPTIONS: readonly UrgencyOption[] = [
  { value: 'normal', label: '一般', days: 5 },
  { value: 'urgent', label: '紧急', days: 2 },
  { value: 'critical', label: '特急', days: 1 },
]

export function urgencyTagType(u: IssueUrgency): TagType {
  return u === 'critical' ? 'danger' : u === 'urgent' ? 'warning' : 'info'
}

export const DEMAND_STATES: readonly { value: DemandState; label: string }[] = [
  { value: 'submitted', label: '待审核' },
  { value: 'adopted', label: '已采纳' },
  { value: 'declined', label: '未采纳' },
  { value: 'answered', label: '已答复' },
]

export function demandTagType(s: DemandState): TagType {
  return s === 'submitted' ? 'warning' : s === 'adopted' ? 'success' : s === 'declined' ? 'info' : 'primary'
}

export const TASK_STATES: readonly { value: TaskState; label: string }[] = [
  { value: 'tracking', label: '办理中' },
  { value: 'done', label: '已完成' },
  { value: 'refused', label: '不予准入' },
]

export function taskTagType(s: TaskState): TagType {
  return s === 'tracking' ? 'warning' : s === 'done' ? 'success' : 'danger'
}

/** `13800001111` → `138****1111` for lists on screen (the call back needs the whole number in
 *  its dialog). Anything shorter than 7 characters is shown as is. */
export function maskPhone(p: string | null | undefined): string {
  const s = (p ?? '').trim()
  if (s.length < 7) return s
  return `${s.slice(0, 3)}****${s.slice(-4)}`
}
