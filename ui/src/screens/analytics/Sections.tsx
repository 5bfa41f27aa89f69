import { useEffect } from 'react'
import { Link, useLocation } from 'react-router-dom'

export type SectionId = 'answers' | 'latency' | 'files' | 'mesh'

export const SECTION_LABELS: Record<SectionId, string> = { answers: 'Answers', latency: 'Latency', files: 'Files', mesh: 'Mesh' }
const SECTIONS = Object.keys(SECTION_LABELS) as SectionId[]

/** The element id of a section, and the address's fragment that chooses it (`#analytics-mesh`). */
export const sectionAnchor = (id: SectionId) => `analytics-${id}`

/** Wide enough that every section shows at once (Tailwind's md), so a link scrolls instead of switching. */
const ALL_SECTIONS_SHOWN = '(min-width: 48rem)'

function scrollTo(id: SectionId) {
  if (window.matchMedia?.(ALL_SECTIONS_SHOWN).matches) document.getElementById(sectionAnchor(id))?.scrollIntoView({ block: 'start' })
}

/** The section chosen in the address's fragment; the first one when none (or an unknown one) is. */
export function useSection(): SectionId {
  const { hash } = useLocation()
  const chosen = SECTIONS.find((id) => hash === `#${sectionAnchor(id)}`) ?? SECTIONS[0]
  // Opened at a section's address (a reload, a shared link): the browser looked for it before the charts were there.
  useEffect(() => {
    if (hash) scrollTo(chosen)
  }, []) // only on arrival; later choices scroll from the link's click
  return chosen
}

/**
 * Links to the sections. On a phone they are tabs (one section shows at a time, see AnalyticsBoard); from md up every
 * section shows and a link scrolls to its section. The choice is kept in the address, beside the range.
 */
export function SectionNav({ chosen }: { chosen: SectionId }) {
  const { search } = useLocation()
  return (
    <nav aria-label="Analytics sections" className="mb-4">
      <ul className="flex gap-1 rounded-lg border border-slate-200 bg-white p-0.5 shadow-sm md:inline-flex">
        {SECTIONS.map((id) => {
          const current = id === chosen
          return (
            <li key={id} className="flex-1 md:flex-none">
              <Link
                to={{ search, hash: sectionAnchor(id) }}
                replace
                aria-current={current ? 'true' : undefined}
                onClick={() => scrollTo(id)}
                className={`block rounded-md px-3 py-1.5 text-center text-sm font-medium whitespace-nowrap transition-colors focus-visible:outline-2 focus-visible:outline-sky-500 ${
                  current ? 'bg-sky-50 text-sky-800 ring-1 ring-sky-200' : 'text-slate-600 hover:bg-slate-100 hover:text-slate-900'
                }`}
              >
                {SECTION_LABELS[id]}
              </Link>
            </li>
          )
        })}
      </ul>
    </nav>
  )
}
