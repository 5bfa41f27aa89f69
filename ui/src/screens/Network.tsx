import { Page } from '../components/Page'
import { ComingSoon } from '../components/ComingSoon'
import { NetworkIcon } from '../components/Icons'

export default function Network() {
  return (
    <Page title="Network" subtitle="Peers discovered on your local network">
      <ComingSoon
        icon={NetworkIcon}
        feature="the mesh network view"
        description="Arrives with the mesh work: see every peer this node has discovered on the LAN, which ones host an LLM, and how they are connected."
        bullets={['Live peer list', 'LLM hosts at a glance', 'Connection health and latency']}
      />
    </Page>
  )
}
