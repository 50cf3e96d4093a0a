// Helpers for the 数据安全 tab (backups made by the Rust side into `backups/` beside the database).
import type { BackupInfo } from './bindings/BackupInfo'

/** The app makes one automatic backup a day and keeps this many (see hall-core store/backup.rs). */
export const BACKUP_KEEP = 14

/** The file name of a backup path (either separator). */
export function backupFileName(path: string): string {
  const parts = path.split(/[\\/]/)
  return parts[parts.length - 1] || path
}

/** Automatic daily backups are named `hall-YYYYMMDD.db`; 立即备份 adds `-HHMMSS-manual`. */
export function isAutoBackup(path: string): boolean {
  return /^hall-\d{8}\.db$/.test(backupFileName(path))
}

/** The newest automatic backup of a newest-first list, if any. */
export function lastAutoBackup(list: readonly BackupInfo[]): BackupInfo | null {
  return list.find((b) => isAutoBackup(b.path)) ?? null
}

/** Bytes as megabytes with two decimals, e.g. `1.25 MB` (at least 0.01 MB for a non-empty file). */
export function formatMegabytes(bytes: number | bigint | null | undefined): string {
  const n = Number(bytes ?? 0)
  if (!Number.isFinite(n) || n <= 0) return '0.00 MB'
  const mb = n / (1024 * 1024)
  return `${Math.max(mb, 0.01).toFixed(2)} MB`
}
