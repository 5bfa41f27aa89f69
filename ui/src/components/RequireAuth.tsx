import type { ReactNode } from 'react'
import { Navigate, useLocation } from 'react-router-dom'
import { useAuth } from '../auth'
import { FullPageSpinner } from './Spinner'

/** Renders children only when signed in; otherwise redirects to /login remembering where we were. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { auth } = useAuth()
  const location = useLocation()
  if (auth.status === 'loading') return <FullPageSpinner />
  if (auth.status === 'anonymous') return <Navigate to="/login" replace state={{ from: location }} />
  return <>{children}</>
}
