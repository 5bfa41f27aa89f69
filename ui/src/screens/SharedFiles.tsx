import { Page } from '../components/Page'
import { ComingSoon } from '../components/ComingSoon'
import { FilesIcon } from '../components/Icons'

export default function SharedFiles() {
  return (
    <Page title="Shared Files" subtitle="Files shared across the mesh">
      <ComingSoon
        icon={FilesIcon}
        feature="file sharing"
        description="Arrives with the files work: share documents from this node and browse or download what your peers have shared."
        bullets={['Upload and share files', 'Browse files offered by peers', 'Use shared documents as LLM context']}
      />
    </Page>
  )
}
