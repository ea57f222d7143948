// `npm start -- --preview`: the wizard in a browser, over the simulated Mac.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { startPreviewServer } from './server';
import { workerSessions } from './sessions';

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
  const log = (m: string) => console.warn(`onboard preview: ${m}`);
  // Each connection's session runs in a thread of its own over a fresh simulated Mac (sessions.ts).
  const server = await startPreviewServer({ sessions: workerSessions({ log }), rendererDir, port, log });
  console.log(`Onboard preview (simulated Mac): ${server.url}`);
  console.log('Open that address in a browser. Press Ctrl-C to stop.');
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
