/**
 * The house plan, checked on every test run (`npm run depcheck`): which layer may import
 * which. docs/architecture.md draws the same picture.
 */
const layer = (name) => `^src/${name}/`;
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Import cycles hide which way the code depends.', from: {}, to: { circular: true } },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'The playbook\'s rules take plain data and the time: nothing outside src/domain, no I/O packages.',
      from: { path: layer('domain') },
      to: { pathNot: [layer('domain'), '^node:crypto$', '^crypto$'] },
    },
    {
      name: 'transports-on-top',
      severity: 'error',
      comment: 'HTTP and the CLI are transports: nothing else in src imports them.',
      from: { path: '^src/', pathNot: [layer('http'), layer('cli')] },
      to: { path: [layer('http'), layer('cli')] },
    },
    { name: 'no-console-in-src', severity: 'error', from: { path: '^src/' }, to: { path: '^console/' } },
    {
      name: 'presenters-below-transports',
      severity: 'error',
      comment: 'Presenters turn state into answers and text for every transport and worker; they do no I/O.',
      from: { path: layer('presenters') },
      to: { path: [layer('store'), layer('commands'), layer('processors'), layer('integrations')] },
    },
    {
      name: 'store-below-commands',
      severity: 'error',
      from: { path: layer('store') },
      to: { path: [layer('commands'), layer('processors'), layer('presenters'), layer('integrations'), layer('config')] },
    },
    {
      name: 'commands-not-workers',
      severity: 'error',
      comment: 'Commands are called by transports and workers, never the other way round.',
      from: { path: layer('commands') },
      to: { path: [layer('processors')] },
    },
    {
      name: 'integrations-are-adapters',
      severity: 'error',
      comment: 'A port\'s adapter translates; it does not reach into the store, commands or workers.',
      from: { path: layer('integrations') },
      to: { path: [layer('store'), layer('commands'), layer('processors')] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
