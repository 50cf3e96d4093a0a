import { describe, expect, it } from 'vitest'
import type { SyncStatus } from '../bindings/SyncStatus'
import { linkState, progressText, resultText, syncStateTag, syncSummary } from '../sync'

function status(over: Partial<SyncStatus> = {}): SyncStatus {
  return {
    hub_url: 'https://hub.example.cn',
    token_set: true,
    counts: { pending: 0, acknowledged: 12, conflicts: 0 },
    last_attempt: '2026-03-02 09:15:30',
    last_success: '2026-03-02 09:15:30',
    last_error: '',
    ...over,
  }
}

describe('syncSummary', () => {
  it('says nothing before the first status', () => {
    expect(syncSummary(null)).toBeNull()
  })
  it('asks for a hub when none is set, whatever else', () => {
    expect(syncSummary(status({ hub_url: null, last_error: '无法连接' }))).toEqual({
      key: 'unset',
      label: '未设置县级平台',
      type: 'info',
    })
  })
  it('shows a failure before the pending count', () => {
    const s = syncSummary(status({ last_error: '无法连接县级平台', counts: { pending: 3, acknowledged: 0, conflicts: 0 } }))
    expect(s?.key).toBe('failed')
    expect(s?.label).toBe('同步失败')
    expect(s?.type).toBe('danger')
  })
  it('counts the cases waiting', () => {
    expect(syncSummary(status({ counts: { pending: 7, acknowledged: 1, conflicts: 0 } }))).toEqual({
      key: 'pending',
      label: '待上报 7 件',
      type: 'warning',
    })
  })
  it('is green when nothing waits', () => {
    expect(syncSummary(status())?.label).toBe('已同步')
  })
})

describe('linkState', () => {
  it('is online after a good pass, offline after a failed one', () => {
    expect(linkState(status())).toEqual({ online: true, label: '在线' })
    expect(linkState(status({ last_error: '超时' }))).toEqual({ online: false, label: '离线' })
  })
  it('knows nothing before any attempt or without a hub', () => {
    expect(linkState(status({ last_attempt: null })).online).toBeNull()
    expect(linkState(status({ hub_url: null })).label).toBe('尚未连接')
  })
})

describe('syncStateTag', () => {
  it('labels each state', () => {
    expect(syncStateTag('pending')?.label).toBe('待上报')
    expect(syncStateTag('sent')?.label).toBe('上报中')
    expect(syncStateTag('acknowledged')).toEqual({ label: '已上报县级', type: 'success' })
    expect(syncStateTag('conflict')).toEqual({ label: '上报冲突（请联系县信息中心）', type: 'danger' })
  })
  it('shows nothing for a case not completed', () => {
    expect(syncStateTag(null)).toBeNull()
    expect(syncStateTag(undefined)).toBeNull()
  })
})

describe('progressText / resultText', () => {
  it('reports progress, conflicts only when there are any', () => {
    expect(progressText({ sent: 200, acknowledged: 200, conflicts: 0 })).toBe('已发送 200 件，已确认 200 件')
    expect(progressText({ sent: 5, acknowledged: 4, conflicts: 1 })).toBe('已发送 5 件，已确认 4 件，冲突 1 件')
    expect(progressText(null)).toBe('正在连接县级平台…')
  })
  it('sums up a finished pass', () => {
    expect(resultText(status())).toBe('同步完成，待上报的办件已全部上报')
    expect(resultText(status({ counts: { pending: 2, acknowledged: 0, conflicts: 1 } }))).toBe(
      '同步完成，仍有 2 件待上报；1 件上报冲突，请联系县信息中心',
    )
  })
})
