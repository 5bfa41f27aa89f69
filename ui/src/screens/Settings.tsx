import { Page } from '../components/Page'
import { StaticPeers } from '../components/StaticPeers'
import { ApiKeysSection } from './settings/ApiKeysSection'
import { NodeSection } from './settings/NodeSection'
import { PasswordSection } from './settings/PasswordSection'
import { ThemeSection } from './settings/ThemeSection'

/** Settings: this node (name, default model, discovery), static peers, API keys, the password and this browser's theme. */
export default function Settings() {
  return (
    <Page title="Settings" subtitle="This node, its peers, API keys for programs, your password and this browser's theme">
      <div className="grid gap-6">
        <NodeSection />
        <div className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
          <StaticPeers />
        </div>
        <ApiKeysSection />
        <PasswordSection />
        <ThemeSection />
      </div>
    </Page>
  )
}
