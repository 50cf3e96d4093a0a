// The left menu is read from the routes: a route whose meta has `menu` appears in it, for the
// roles in its meta `roles` (all roles when absent). A later screen (前台受理, 后台办理, 统一出件,
// 中心主任, 系统管理) is added with one route in routes.ts carrying its menu entry and roles.
import type { Component } from 'vue'
import type { RouteMeta, RouteRecordRaw } from 'vue-router'
import type { Role } from './bindings/Role'

export interface MenuMeta {
  /** Text in the menu. */
  label: string
  icon: Component
  /** `data-testid` of the menu item (see testids.md). */
  testid: string
  /** Position: lower first. 首页 10, 前台受理 20, 咨询登记 22, 群众诉求 24, 后台办理 30,
   *  统一出件 40, 中心主任 50, 每日台账 52, 统计报告 54, 统计图表 56, 职责准入 57, 县乡联动 58,
   *  办件查询 60, 事项清单 70, 三张清单 72, 系统管理 90. */
  order: number
}

export interface MenuEntry extends MenuMeta {
  path: string
  name: string
}

/** Whether a role may open a route with this meta (meta.roles absent: every logged-in role). */
export function roleAllowed(meta: RouteMeta | undefined, role: Role | null | undefined): boolean {
  const roles = meta?.roles
  if (!roles || roles.length === 0) return true
  return !!role && roles.includes(role)
}

function joinPath(base: string, path: string): string {
  if (path.startsWith('/')) return path
  const b = base.endsWith('/') ? base : `${base}/`
  const joined = `${b}${path}`
  return joined.length > 1 && joined.endsWith('/') ? joined.slice(0, -1) : joined
}

/** The menu for a role, in order. */
export function menuEntries(routes: readonly RouteRecordRaw[], role: Role | null | undefined): MenuEntry[] {
  const out: MenuEntry[] = []
  const walk = (list: readonly RouteRecordRaw[], base: string, parentAllowed: boolean) => {
    for (const r of list) {
      const path = joinPath(base, r.path)
      const allowed = parentAllowed && roleAllowed(r.meta, role)
      const menu = r.meta?.menu
      if (menu && allowed) {
        out.push({ ...menu, path, name: String(r.name ?? path) })
      }
      if (r.children) walk(r.children, path, allowed)
    }
  }
  walk(routes, '/', true)
  return out.sort((a, b) => a.order - b.order)
}
