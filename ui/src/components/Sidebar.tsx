import { useEffect, useState, type ComponentType, type SVGProps } from 'react'
import { NavLink, useLocation, useNavigate } from 'react-router-dom'
import { useAuth } from '../auth'
import { useNodeStatus } from '../status'
import type { ThemeChoice } from '../theme'
import { useTheme } from '../useTheme'
import {
  AnalyticsIcon,
  ChatIcon,
  CloseIcon,
  ConversationsIcon,
  DashboardIcon,
  EvaluateIcon,
  FilesIcon,
  LogoIcon,
  LogoutIcon,
  MenuIcon,
  ModelsIcon,
  MonitorIcon,
  MoonIcon,
  NetworkIcon,
  SettingsIcon,
  SunIcon,
} from './Icons'

interface NavItem {
  to: string
  label: string
  icon: ComponentType<SVGProps<SVGSVGElement>>
  end?: boolean
}

// Routes are relative to the router basename (/app/).
export const NAV_ITEMS: NavItem[] = [
  { to: '/', label: 'Dashboard', icon: DashboardIcon, end: true },
  { to: '/chat', label: 'Chat', icon: ChatIcon },
  { to: '/conversations', label: 'Peer Conversations', icon: ConversationsIcon },
  { to: '/files', label: 'Shared Files', icon: FilesIcon },
  { to: '/models', label: 'Models', icon: ModelsIcon },
  { to: '/network', label: 'Network', icon: NetworkIcon },
  { to: '/analytics', label: 'Analytics', icon: AnalyticsIcon },
  { to: '/evaluate', label: 'Evaluate', icon: EvaluateIcon },
  { to: '/settings', label: 'Settings', icon: SettingsIcon },
]

const THEMES: { value: ThemeChoice; label: string; icon: ComponentType<SVGProps<SVGSVGElement>> }[] = [
  { value: 'light', label: 'Light', icon: SunIcon },
  { value: 'dark', label: 'Dark', icon: MoonIcon },
  { value: 'system', label: "System (this device's setting)", icon: MonitorIcon },
]

/** Light, dark or the system's, at hand: the same choice, kept in this browser, as on the Settings screen. */
function ThemeToggle() {
  const [choice, choose] = useTheme()
  return (
    <div role="group" aria-label="Theme" className="flex rounded-lg bg-slate-800/60 p-0.5 ring-1 ring-slate-700">
      {THEMES.map(({ value, label, icon: Icon }) => (
        <button
          key={value}
          type="button"
          data-testid={`sidebar-theme-${value}`}
          aria-pressed={choice === value}
          aria-label={label}
          title={label}
          onClick={() => choose(value)}
          className={`rounded-md p-1.5 text-base transition-colors focus-visible:outline-2 focus-visible:outline-sky-400 ${
            choice === value ? 'bg-slate-700 text-white' : 'text-slate-400 hover:text-white'
          }`}
        >
          <Icon />
        </button>
      ))}
    </div>
  )
}

/** Dark sidebar on md+ screens; collapses into a top bar with a toggleable menu on narrow screens. */
export function Sidebar() {
  const { auth, logout } = useAuth()
  const { status } = useNodeStatus()
  const navigate = useNavigate()
  const location = useLocation()
  const [open, setOpen] = useState(false)
  const [loggingOut, setLoggingOut] = useState(false)

  // Close the mobile menu whenever the route changes.
  useEffect(() => setOpen(false), [location.pathname])

  const onLogout = async () => {
    setLoggingOut(true)
    await logout()
    navigate('/login', { replace: true })
  }

  const username = auth.status === 'authenticated' ? auth.username : null

  return (
    <aside className="sticky top-0 z-30 bg-slate-900 text-slate-300 shadow-lg md:fixed md:inset-y-0 md:left-0 md:flex md:w-64 md:flex-col md:shadow-none">
      <div className="flex items-center justify-between gap-3 px-4 py-3 md:px-5 md:py-6">
        <div className="flex min-w-0 items-center gap-3">
          <div className="flex h-9 w-9 shrink-0 items-center justify-center rounded-lg bg-sky-500/15 text-xl text-sky-300 ring-1 ring-sky-400/30">
            <LogoIcon />
          </div>
          <div className="min-w-0">
            <p className="text-base font-semibold tracking-tight text-white">MeshMind</p>
            <p
              className="truncate text-xs text-slate-400"
              data-testid="sidebar-node-name"
              title={status?.name ?? undefined}
            >
              {status?.name ?? '…'}
            </p>
          </div>
        </div>
        <button
          type="button"
          className="rounded-md p-2 text-xl text-slate-300 hover:bg-slate-800 hover:text-white focus-visible:outline-2 focus-visible:outline-sky-400 md:hidden"
          aria-controls="main-nav"
          aria-expanded={open}
          aria-label={open ? 'Close menu' : 'Open menu'}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? <CloseIcon /> : <MenuIcon />}
        </button>
      </div>

      <div
        id="main-nav"
        className={`${open ? 'flex' : 'hidden'} flex-col border-t border-slate-800 md:flex md:flex-1 md:border-t-0`}
      >
        <nav aria-label="Main" className="flex-1 px-3 py-3 md:py-0">
          <ul className="space-y-1">
            {NAV_ITEMS.map(({ to, label, icon: Icon, end }) => (
              <li key={to}>
                <NavLink
                  to={to}
                  end={end}
                  className={({ isActive }) =>
                    `group flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-sky-400 ${
                      isActive
                        ? 'bg-slate-800 text-white shadow-inner ring-1 ring-slate-700'
                        : 'text-slate-400 hover:bg-slate-800/60 hover:text-slate-100'
                    }`
                  }
                >
                  {({ isActive }) => (
                    <>
                      <Icon
                        className={`text-lg transition-colors ${isActive ? 'text-sky-400' : 'text-slate-500 group-hover:text-slate-300'}`}
                      />
                      <span>{label}</span>
                    </>
                  )}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>

        <div className="border-t border-slate-800 px-3 py-3 md:px-4 md:py-4">
          <div className="mb-3 flex items-center justify-between gap-2 px-3">
            <span className="text-xs text-slate-400">Theme</span>
            <ThemeToggle />
          </div>
          {username && (
            <p className="mb-2 truncate px-3 text-xs text-slate-400">
              Signed in as <span className="font-medium text-slate-300">{username}</span>
            </p>
          )}
          <button
            type="button"
            data-testid="logout"
            onClick={onLogout}
            disabled={loggingOut}
            className="flex w-full items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium text-slate-400 transition-colors hover:bg-slate-800/60 hover:text-white focus-visible:outline-2 focus-visible:outline-sky-400 disabled:opacity-60"
          >
            <LogoutIcon className="text-lg" />
            <span>Log out</span>
          </button>
        </div>
      </div>
    </aside>
  )
}
