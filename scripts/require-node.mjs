// Stops `npm start`, `npm run worker` and `npm run cli` at once, before the build, on a Node.js older
// than package.json's "engines" (parts of the service misbehave there). Plain JavaScript, so that any
// old Node can run it. The version checked is this Node's, or the one given as the first argument
// (or in OPTIMAGE_CHECK_NODE_VERSION), which lets the test check it where no old Node is installed.
import { readFileSync } from 'node:fs';

const engines = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node;
const [needMajor, needMinor] = engines.replace(/^>=\s*/, '').split('.').map(Number);
const version = (process.argv[2] || process.env.OPTIMAGE_CHECK_NODE_VERSION || process.versions.node).replace(/^v/, '');
const [major, minor] = version.split('.').map(Number);

if (major < needMajor || (major === needMajor && (minor || 0) < (needMinor || 0))) {
  console.error(
    `optimage needs Node.js ${needMajor}.${needMinor || 0} or newer (24 LTS recommended), not ${version}: ` +
      'install Node 24 (https://nodejs.org/en/download, or `nvm install 24`), then run `npm ci` again.',
  );
  process.exit(1);
}
