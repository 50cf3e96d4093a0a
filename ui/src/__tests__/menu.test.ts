import { describe, expect, it } from 'vitest'
import { markRaw } from 'vue'
import type { RouteRecordRaw } from 'vue-router'
import { menuEntries, roleAllowed } from '../menu'
import { routes } from '../routes'

const Dummy = markRaw({ render: () => null })

describe('menu from routes', () => {
  it('shows 首页, 办件查询, 事项清单 to every role, in order, and nothing else', () => {
    for (const role of ['clerk', 'officer', 'supervisor', 'admin'] as const) {
      const m = menuEntries(routes, role)
      expect(m.map((e) => e.label)).toEqual(['首页', '办件查询', '事项清单'])
      expect(m.map((e) => e.path)).toEqual(['/', '/search', '/catalog'])
      expect(m.map((e) => e.testid)).toEqual(['nav-home', 'nav-search', 'nav-catalog'])
    }
  })

  it('adds a role-specific screen with one route', () => {
    const withDesk: RouteRecordRaw[] = [
      {
        path: '/',
        component: Dummy,
        children: [
          ...(routes[1].children ?? []),
          {
            path: 'desk',
            name: 'desk',
            component: Dummy,
            meta: { roles: ['clerk'], menu: { label: '前台受理', icon: Dummy, testid: 'nav-desk', order: 20 } },
          },
        ],
      },
    ]
    expect(menuEntries(withDesk, 'clerk').map((e) => e.label)).toEqual(['首页', '前台受理', '办件查询', '事项清单'])
    expect(menuEntries(withDesk, 'clerk')[1].path).toBe('/desk')
    expect(menuEntries(withDesk, 'officer').map((e) => e.label)).toEqual(['首页', '办件查询', '事项清单'])
  })

  it('checks roles', () => {
    expect(roleAllowed(undefined, 'clerk')).toBe(true)
    expect(roleAllowed({ roles: ['admin'] }, 'clerk')).toBe(false)
    expect(roleAllowed({ roles: ['admin'] }, null)).toBe(false)
    expect(roleAllowed({ roles: ['admin', 'supervisor'] }, 'supervisor')).toBe(true)
  })
})
