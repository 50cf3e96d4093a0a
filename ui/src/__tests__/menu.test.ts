import { describe, expect, it } from 'vitest'
import { markRaw } from 'vue'
import type { RouteRecordRaw } from 'vue-router'
import { menuEntries, roleAllowed } from '../menu'
import { routes } from '../routes'

const Dummy = markRaw({ render: () => null })

describe('menu from routes', () => {
  it('shows each role its own screens between the shared ones, in order', () => {
    const labels = (role: 'clerk' | 'officer' | 'supervisor' | 'admin') => menuEntries(routes, role).map((e) => e.label)
    expect(labels('clerk')).toEqual(['首页', '前台受理', '咨询登记', '群众诉求', '统一出件', '办件查询', '事项清单', '三张清单'])
    expect(labels('officer')).toEqual(['首页', '后台办理', '办件查询', '事项清单', '三张清单'])
    expect(labels('supervisor')).toEqual([
      '首页',
      '咨询登记',
      '群众诉求',
      '后台办理',
      '中心主任',
      '每日台账',
      '统计报告',
      '统计图表',
      '职责准入',
      '县乡联动',
      '办件查询',
      '事项清单',
      '三张清单',
    ])
    expect(labels('admin')).toEqual(['首页', '办件查询', '事项清单', '三张清单', '系统管理'])
    expect(menuEntries(routes, 'clerk').map((e) => e.path)).toEqual([
      '/',
      '/intake',
      '/consult',
      '/demands',
      '/pickup',
      '/search',
      '/catalog',
      '/lists',
    ])
    expect(menuEntries(routes, 'supervisor').map((e) => e.testid)).toEqual([
      'nav-home',
      'nav-consult',
      'nav-demands',
      'nav-queue',
      'nav-supervisor',
      'nav-daily',
      'nav-report',
      'nav-charts',
      'nav-admission',
      'nav-coordination',
      'nav-search',
      'nav-catalog',
      'nav-lists',
    ])
    expect(menuEntries(routes, 'admin').map((e) => e.testid)).toContain('nav-admin')
    expect(menuEntries(routes, null).map((e) => e.label)).toEqual(['首页', '办件查询', '事项清单', '三张清单'])
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
            meta: { roles: ['officer'], menu: { label: '窗口', icon: Dummy, testid: 'nav-desk', order: 25 } },
          },
        ],
      },
    ]
    expect(menuEntries(withDesk, 'officer').map((e) => e.label)).toEqual(['首页', '窗口', '后台办理', '办件查询', '事项清单', '三张清单'])
    expect(menuEntries(withDesk, 'officer')[1].path).toBe('/desk')
    expect(menuEntries(withDesk, 'clerk').map((e) => e.label)).not.toContain('窗口')
  })

  it('checks roles', () => {
    expect(roleAllowed(undefined, 'clerk')).toBe(true)
    expect(roleAllowed({ roles: ['admin'] }, 'clerk')).toBe(false)
    expect(roleAllowed({ roles: ['admin'] }, null)).toBe(false)
    expect(roleAllowed({ roles: ['admin', 'supervisor'] }, 'supervisor')).toBe(true)
  })
})
