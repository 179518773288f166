import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './views/App';
import { startUrlSync } from './state/urlSync';
import { ensureWorker } from './state/labClient';
import { startEditorLink } from './state/editorLink';
import { useLab } from './state/store';
import './views/app.css';

startUrlSync();
ensureWorker();
startEditorLink((problem) => useLab.setState((s) => ({ linkProblems: [...s.linkProblems, problem] })));
// Offline support: the service worker exists only in the built site (npm run build).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('./sw.js').catch((e) => console.warn('offline mode unavailable:', e));
  });
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
