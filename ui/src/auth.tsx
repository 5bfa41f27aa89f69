import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import * as authApi from './api/auth'
import { onUnauthorized } from './api/http'

export type AuthState =
  | { status: 'loading' }
  | { status: 'authenticated'; username: string | null }
  | { status: 'anonymous'; notice?: string }

interface AuthContextValue {
  auth: AuthState
  login: (username: string, password: string) => Promise<void>
  /** Signs out; `notice` is shown on the sign-in screen (e.g. why the person was signed out). */
  logout: (notice?: string) => Promise<void>
}

const AuthContext = createContext<AuthContextValue | null>(null)

export function AuthProvider({ children }: { children: ReactNode }) {
  const [auth, setAuth] = useState<AuthState>({ status: 'loading' })

  useEffect(() => {
    const ctrl = new AbortController()
    authApi
      .getAuthStatus(ctrl.signal)
      .then((s) =>
        setAuth(s.authenticated ? { status: 'authenticated', username: s.username } : { status: 'anonymous' }),
      )
      .catch((err: unknown) => {
        if (err instanceof DOMException && err.name === 'AbortError') return
        setAuth({ status: 'anonymous' })
      })
    return () => ctrl.abort()
  }, [])

  // Any 401 from a non-auth endpoint drops us back to the login page (RequireAuth redirects).
  useEffect(() => onUnauthorized(() => setAuth({ status: 'anonymous' })), [])

  const login = useCallback(async (username: string, password: string) => {
    const res = await authApi.login(username, password)
    setAuth({ status: 'authenticated', username: res?.username ?? username })
  }, [])

  const logout = useCallback(async (notice?: string) => {
    try {
      await authApi.logout()
    } catch {
      // Even if the call fails, show the login page.
    }
    setAuth(notice ? { status: 'anonymous', notice } : { status: 'anonymous' })
  }, [])

  const value = useMemo(() => ({ auth, login, logout }), [auth, login, logout])
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext)
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>')
  return ctx
}
