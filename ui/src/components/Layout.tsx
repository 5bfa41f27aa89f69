import { AnimatePresence, m } from 'framer-motion'
import { useLocation, useOutlet } from 'react-router-dom'
import { StatusProvider } from '../status'
import { Sidebar } from './Sidebar'

/** Authenticated frame: sidebar + animated content area showing the matched child route. */
export function Layout() {
  const location = useLocation()
  const outlet = useOutlet()
  // One key per screen, not per path: /chat and /chat/:id are one screen (a new chat's first answer
  // moves the URL to its conversation while the answer streams, and must not remount the screen).
  const screen = location.pathname.split('/')[1] ?? ''

  return (
    <StatusProvider>
      <div className="min-h-screen md:pl-64">
        <a
          href="#content"
          className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:shadow"
        >
          Skip to content
        </a>
        <Sidebar />
        <main id="content" className="min-w-0">
          {/* mode="wait": the old screen leaves before the new one enters, so only one <h1> is ever on the page. */}
          <AnimatePresence mode="wait" initial={false}>
            <m.div
              key={screen}
              initial={{ opacity: 0, y: 8 }}
              animate={{ opacity: 1, y: 0 }}
              exit={{ opacity: 0, y: -4 }}
              transition={{ duration: 0.16, ease: 'easeOut' }}
            >
              {outlet}
            </m.div>
          </AnimatePresence>
        </main>
      </div>
    </StatusProvider>
  )
}
