// `npm start -- --preview`: the wizard in a browser, over the simulated Mac.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { startPreviewServer } from './server';
import { createRouter } from '../main/ipc/router';
import { createHandlers } from '../main/ipc/handlers';
import { createSession, closeSession } from '../main/ipc/session';

async function main(): Promise<void> {
  const portArg = process.argv.indexOf('--port');
  const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('onboard preview: --port takes a number from 1 to 65535 (or 0 for a free port).');
    process.exit(2);
  }
  const rendererDir = join(__dirname, '..', '..', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    console.error('onboard preview: the renderer is not built. Run `npm run build` first.');
    process.exit(2);
  }
  const router = createRouter(createHandlers(), {
    logInternal: (m, e) => console.error(`onboard preview: ${m} failed:`, e),
  });
  const server = await startPreviewServer({
    router,
    rendererDir,
    port,
    createSession: () => createSession({ shell: 'preview' }),
    closeSession,
    log: (m) => console.warn(`onboard preview: ${m}`),
  });
  console.log(`Onboard preview (simulated Mac): ${server.url}`);
  console.log('Open that address in a browser. Press Ctrl-C to stop.');
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
