import { Page } from '../components/Page'
import { ComingSoon } from '../components/ComingSoon'
import { ConversationsIcon } from '../components/Icons'

export default function PeerConversations() {
  return (
    <Page title="Peer Conversations" subtitle="Conversations exchanged with other nodes">
      <ComingSoon
        icon={ConversationsIcon}
        feature="peer conversations"
        description="Arrives with the mesh work: browse the conversations your peers share with this node and continue them together."
        bullets={['Conversations shared by peers', 'Per-peer filtering', 'Continue a thread on your own node']}
      />
    </Page>
  )
}
