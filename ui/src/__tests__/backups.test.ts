import { describe, expect, it } from 'vitest'
import { backupFileName, formatMegabytes, isAutoBackup, lastAutoBackup } from '../backups'

describe('backups', () => {
  it('takes the file name from either separator', () => {
    expect(backupFileName('/data/backups/hall-20260302.db')).toBe('hall-20260302.db')
    expect(backupFileName('C:\\data\\backups\\hall-20260302.db')).toBe('hall-20260302.db')
    expect(backupFileName('hall.db')).toBe('hall.db')
  })

  it('tells automatic backups from manual ones', () => {
    expect(isAutoBackup('/x/backups/hall-20260302.db')).toBe(true)
    expect(isAutoBackup('/x/backups/hall-20260302-091530-manual.db')).toBe(false)
    expect(isAutoBackup('/x/backups/before-restore-20260302-091530.db')).toBe(false)
  })

  it('finds the newest automatic backup', () => {
    const list = [
      { path: '/b/hall-20260303-100000-manual.db', made_at: '2026-03-03 10:00:00', bytes: 10 },
      { path: '/b/hall-20260303.db', made_at: '2026-03-03 08:00:00', bytes: 9 },
      { path: '/b/hall-20260302.db', made_at: '2026-03-02 08:00:00', bytes: 8 },
    ]
    expect(lastAutoBackup(list)?.path).toBe('/b/hall-20260303.db')
    expect(lastAutoBackup([list[0]])).toBeNull()
    expect(lastAutoBackup([])).toBeNull()
  })

  it('formats sizes in MB', () => {
    expect(formatMegabytes(0)).toBe('0.00 MB')
    expect(formatMegabytes(100)).toBe('0.01 MB')
    expect(formatMegabytes(1024 * 1024 * 1.5)).toBe('1.50 MB')
    expect(formatMegabytes(null)).toBe('0.00 MB')
  })
})
