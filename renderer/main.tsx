// Renderer entry point.
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startEarly } from './api';
import { useWizard } from './state/store';
import './styles.css';

// boot.js normally did this already; if it has not run yet, the app asks for the Mac's facts itself, once.
startEarly();
// When the answer came while this script loaded, the first paint shows it.
useWizard.getState().adoptEarlyFacts();
createRoot(document.getElementById('root')!).render(<App />);
