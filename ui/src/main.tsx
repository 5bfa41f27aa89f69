import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { BrowserRouter } from 'react-router-dom'
import { LazyMotion, MotionConfig } from 'framer-motion'
import { AuthProvider } from './auth'
import App from './App'
import './index.css'
import { applyStoredTheme } from './useTheme'

// The node serves the app at /app/. The trailing slash in the basename makes the Dashboard link
// "/app/" (not "/app"); normalise a bare "/app" URL so it still matches.
const BASENAME = '/app/'
if (window.location.pathname === '/app') {
  window.history.replaceState(window.history.state, '', `/app/${window.location.search}${window.location.hash}`)
}

applyStoredTheme()

const loadMotionFeatures = () => import('./motionFeatures').then((mod) => mod.default)

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter basename={BASENAME}>
      <LazyMotion features={loadMotionFeatures} strict>
        <MotionConfig reducedMotion="user">
          <AuthProvider>
            <App />
          </AuthProvider>
        </MotionConfig>
      </LazyMotion>
    </BrowserRouter>
  </StrictMode>,
)
