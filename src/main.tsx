import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './views/App';
import { startUrlSync } from './state/urlSync';
import { ensureWorker } from './state/labClient';
import './views/app.css';

startUrlSync();
ensureWorker();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
