import { Navigate, Route, Routes } from 'react-router-dom'
import { Layout } from './components/Layout'
import { RequireAuth } from './components/RequireAuth'
import Analytics from './screens/Analytics'
import Chat from './screens/Chat'
import Dashboard from './screens/Dashboard'
import Evaluate from './screens/Evaluate'
import LoginScreen from './screens/Login'
import Models from './screens/Models'
import Network from './screens/Network'
import NotFound from './screens/NotFound'
import PeerConversations from './screens/PeerConversations'
import Settings from './screens/Settings'
import SharedFiles from './screens/SharedFiles'

// Paths are relative to the router basename "/app/".
export default function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginScreen />} />
      <Route
        element={
          <RequireAuth>
            <Layout />
          </RequireAuth>
        }
      >
        <Route index element={<Dashboard />} />
        {/* One route for both, so the first answer of a new chat moving the URL to /chat/:id keeps the screen (and its stream). */}
        <Route path="chat/:id?" element={<Chat />} />
        <Route path="conversations" element={<PeerConversations />} />
        <Route path="files" element={<SharedFiles />} />
        <Route path="models" element={<Models />} />
        <Route path="network" element={<Network />} />
        <Route path="analytics" element={<Analytics />} />
        <Route path="evaluate" element={<Evaluate />} />
        <Route path="settings" element={<Settings />} />
      </Route>
      <Route path="/index.html" element={<Navigate to="/" replace />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  )
}
