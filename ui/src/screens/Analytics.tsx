import { Page } from '../components/Page'
import { ComingSoon } from '../components/ComingSoon'
import { AnalyticsIcon } from '../components/Icons'

export default function Analytics() {
  return (
    <Page title="Analytics" subtitle="Usage across this node and the mesh">
      <ComingSoon
        icon={AnalyticsIcon}
        feature="analytics"
        description="Arrives with the analytics work: charts of requests, tokens and peer activity over time."
        bullets={['Requests and tokens over time', 'Busiest peers and models', 'Response latency']}
      />
    </Page>
  )
}
