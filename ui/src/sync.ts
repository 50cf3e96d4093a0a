// 县级平台同步: the window header's indicator, the case page's tag and the admin's hub form.
// Pure helpers first (unit-tested in src/__tests__/sync.test.ts), then the shared status that the
// header polls and the admin tab refreshes after saving.
import { reactive } from 'vue'
import type { SyncStatus } from './bindings/SyncStatus'
import type { SyncState } from './bindings/SyncState'
import { call } from './api'
import { WORDS } from './words'
import type { TagType } from './format'

/** What the header shows: one short label and its colour. `key` is also the `data-sync` attribute. */
export interface SyncSummary {
  key: 'unset' | 'failed' | 'pending' | 'synced'
  label: string
  type: TagType
}

/**
 * 未设置县级平台 (no hub address) > 同步失败 (the last pass failed) > 待上报 N 件 > 已同步.
 * Before the first status arrives there is nothing to say (`null`).
 */
export function syncSummary(s: SyncStatus | null | undefined): SyncSummary | null {
  if (!s) return null
  if (!s.hub_url) return { key: 'unset', label: '未设置县级平台', type: 'info' }
  if (s.last_error.trim() !== '') return { key: 'failed', label: '同步失败', type: 'danger' }
  const pending = Number(s.counts.pending) || 0
  if (pending > 0) return { key: 'pending', label: `待上报 ${pending} 件`, type: 'warning' }
  return { key: 'synced', label: '已同步', type: 'success' }
}

/** 在线 when the last attempt went through, 离线 when it failed, 尚未连接 before any attempt. */
export function linkState(s: SyncStatus | null | undefined): { online: boolean | null; label: string } {
  if (!s || !s.hub_url || !s.last_attempt) return { online: null, label: '尚未连接' }
  return s.last_error.trim() === '' ? { online: true, label: '在线' } : { online: false, label: '离线' }
}

/** A case's standing with the hub as a tag; nothing for a case not yet completed. */
export function syncStateTag(state: SyncState | null | undefined): { label: string; type: TagType } | null {
  const w = WORDS.sync_states.find((x) => x.value === state)
  return w ? { label: w.label, type: w.tag } : null
}

/** The payload of the `sync-progress` window event. */
export interface SyncProgress {
  sent: number
  acknowledged: number
  conflicts: number
}

/** `已发送 200 件，已确认 200 件`, with `，冲突 N 件` only when there are any. */
export function progressText(p: SyncProgress | null | undefined): string {
  if (!p) return '正在连接县级平台…'
  const n = (x: unknown) => Number(x) || 0
  let text = `已发送 ${n(p.sent)} 件，已确认 ${n(p.acknowledged)} 件`
  if (n(p.conflicts) > 0) text += `，冲突 ${n(p.conflicts)} 件`
  return text
}

/** The line shown after 立即同步 succeeded. */
export function resultText(s: SyncStatus): string {
  const pending = Number(s.counts.pending) || 0
  const conflicts = Number(s.counts.conflicts) || 0
  let text = pending > 0 ? `同步完成，仍有 ${pending} 件待上报` : '同步完成，待上报的办件已全部上报'
  if (conflicts > 0) text += `；${conflicts} 件上报冲突，请联系县信息中心`
  return text
}

// ---- The shared status -----------------------------------------------------------------------

export const sync = reactive<{ status: SyncStatus | null }>({ status: null })

/** Asks Rust for the status and keeps it for the header (any logged-in role may ask). */
export async function refreshSync(): Promise<SyncStatus> {
  const s = await call({ type: 'sync_status' })
  sync.status = s
  return s
}

/** After `save_hub` or `sync_now`: the status that came back is shown at once. */
export function applySyncStatus(s: SyncStatus): void {
  sync.status = s
}
