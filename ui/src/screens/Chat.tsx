import { Page } from '../components/Page'
import { ComingSoon } from '../components/ComingSoon'
import { ChatIcon } from '../components/Icons'

export default function Chat() {
  return (
    <Page title="Chat" subtitle="Talk to a large language model hosted on your mesh">
      <ComingSoon
        icon={ChatIcon}
        feature="chat with the mesh's LLM"
        description="This screen comes alive with the LLM work: ask questions and get streamed answers from this node's model, or from any LLM host among your peers."
        bullets={['Streaming answers', 'Automatic routing to an available LLM host', 'Conversation history kept on this node']}
      />
    </Page>
  )
}
