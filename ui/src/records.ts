// Fixed words of the hall's own records (lists, 准入, 诉求, 县乡联动) that the screens need before
// any record is loaded (filters, form options), from the vocabulary Rust exports (words.ts).
import type { DemandState } from './bindings/DemandState'
import type { DutyList } from './bindings/DutyList'
import type { DutySide } from './bindings/DutySide'
import type { IssueUrgency } from './bindings/IssueUrgency'
import type { TaskState } from './bindings/TaskState'
import type { PublicList } from './bindings/PublicList'
import type { TagType } from './format'
import { WORDS, wordTag } from './words'

export interface ListTab {
  /** Tab key, `save_export`'s list name and the testid suffix. */
  key: PublicList
  label: string
  /** The DutyList for the three lists kept as lists; none for the service catalog. */
  list: DutyList | null
}

/** 三张清单 (and the 职责清单 beside them), in the order the policy names them. */
export const LIST_TABS: readonly ListTab[] = WORDS.list_tabs

export function listTab(key: string | null | undefined): ListTab {
  return LIST_TABS.find((t) => t.key === key) ?? LIST_TABS[0]
}

/** 乡镇主责 green, 部门牵头乡镇配合 blue, 县级部门 grey: who carries the entry at a glance. */
export function sideTagType(side: DutySide | null | undefined): TagType {
  return wordTag(WORDS.duty_sides, side)
}

export interface UrgencyOption {
  value: IssueUrgency
  label: string
  /** Working days the county department has to answer (IssueUrgency::answer_days in Rust). */
  days: number
}

export const URGENCY_OPTIONS: readonly UrgencyOption[] = WORDS.issue_urgencies

export function urgencyTagType(u: IssueUrgency): TagType {
  return WORDS.issue_urgencies.find((w) => w.value === u)?.tag ?? 'info'
}

export const DEMAND_STATES: readonly { value: DemandState; label: string }[] = WORDS.demand_states

export function demandTagType(s: DemandState): TagType {
  return wordTag(WORDS.demand_states, s)
}

export const TASK_STATES: readonly { value: TaskState; label: string }[] = WORDS.task_states

export function taskTagType(s: TaskState): TagType {
  return wordTag(WORDS.task_states, s)
}

/** `13800001111` → `138****1111` for lists on screen (the call back needs the whole number in
 *  its dialog). Anything shorter than 7 characters is shown as is. */
export function maskPhone(p: string | null | undefined): string {
  const s = (p ?? '').trim()
  if (s.length < 7) return s
  return `${s.slice(0, 3)}****${s.slice(-4)}`
}
