import { lazy, Suspense } from 'react'
import { useLocation, useNavigate, useSearchParams } from 'react-router-dom'
import { DEFAULT_RANGE, isRange, type Range } from '../api/analytics'
import { Page } from '../components/Page'
import { Spinner } from '../components/Spinner'
import { RangePicker } from './analytics/RangePicker'

// The charts (and Recharts with them) load only when this screen is opened.
const AnalyticsBoard = lazy(() => import('./analytics/AnalyticsBoard'))

function LoadingCharts() {
  return (
    <div role="status" className="flex items-center gap-2 py-16 text-sm text-slate-500 justify-center">
      <Spinner className="h-4 w-4 text-slate-400" />
      Loading charts…
    </div>
  )
}

/** Usage of this node and the mesh over a range picked in the header (kept in the URL as `?range=`). */
export default function Analytics() {
  const [params] = useSearchParams()
  const { hash } = useLocation()
  const navigate = useNavigate()
  const asked = params.get('range')
  const range: Range = isRange(asked) ? asked : DEFAULT_RANGE

  // The fragment (the chosen section of charts) stays as the range changes.
  const pick = (next: Range) => {
    const copy = new URLSearchParams(params)
    copy.set('range', next)
    navigate({ search: copy.toString(), hash }, { replace: true })
  }

  return (
    <Page
      title="Analytics"
      subtitle="Usage across this node and the mesh"
      actions={<RangePicker value={range} onChange={pick} />}
    >
      <Suspense fallback={<LoadingCharts />}>
        <AnalyticsBoard range={range} />
      </Suspense>
    </Page>
  )
}
