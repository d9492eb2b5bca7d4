/**
 * The layers, checked by `npm run check` (dependency-cruiser): imports point down, never back up, and never in a
 * circle (type-only imports included).
 *
 *   functions ─► shared/http ─► shared/services ─► shared/adapters ─► shared/domain
 *   infra ─► functions, workflows, shared          workflows ─► shared/domain (the workflow contract) only
 *
 * shared/schemas (the API's zod schemas) sit with the HTTP edge: they may use the domain, never storage.
 * shared/documents (PDF and type sniffing) and shared/seed are used by services; the AWS SDK is imported only by
 * shared/adapters and infra.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import each other in a circle (type-only imports count): break the cycle along a seam.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-not-to-entry-points',
      severity: 'error',
      comment: 'shared/ is used by functions, workflows and infra, never the other way round.',
      from: { path: '^shared/' },
      to: { path: '^(functions|infra|workflows|web|scripts|bench|test)/' },
    },
    {
      name: 'functions-wire-what-they-use',
      severity: 'error',
      comment:
        'A Lambda takes its services from shared/services/wiring.ts, only those it uses: the serviceContext() view names every service, so importing it puts them all in the bundle (types are fine).',
      from: { path: '^(functions|shared/http)/' },
      to: { path: '^shared/services/context\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'shared/domain imports nothing but itself, node built-ins and small pure libraries.',
      from: { path: '^shared/domain/' },
      to: { path: '^shared/(?!domain/)|^@aws-sdk/|^@aws-lambda-powertools/|^@middy/' },
    },
    {
      name: 'domain-no-aws',
      severity: 'error',
      from: { path: '^shared/domain/' },
      to: { dependencyTypes: ['npm'], path: '(^|/)node_modules/(@aws-sdk|@middy|@aws-lambda-powertools)/' },
    },
    {
      name: 'adapters-point-down',
      severity: 'error',
      comment: 'Storage and clients know the domain, not the services or the HTTP edge above them.',
      from: { path: '^shared/adapters/' },
      to: { path: '^shared/(services|http|schemas|seed)/' },
    },
    {
      name: 'services-below-http',
      severity: 'error',
      comment: 'Services are called by the HTTP edge and the functions, never the reverse.',
      from: { path: '^shared/services/' },
      to: { path: '^shared/(http|schemas)/' },
    },
    {
      name: 'schemas-not-storage',
      severity: 'error',
      comment: 'API schemas describe the contract; they do not import store types.',
      from: { path: '^shared/schemas/' },
      to: { path: '^shared/(adapters|services|http)/' },
    },
    {
      name: 'workflows-only-contract',
      severity: 'error',
      comment: 'State machine definitions import CDK and the workflow contract (shared/domain), nothing else.',
      from: { path: '^workflows/' },
      to: { path: '^(shared/(?!domain/)|functions/|infra/)' },
    },
    {
      name: 'functions-not-infra',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^(infra|workflows|scripts|bench|test)/' },
    },
    {
      name: 'aws-sdk-in-adapters-only',
      severity: 'error',
      comment:
        'Only shared/adapters and infra talk to AWS. Type-only imports count too: a type needed above the adapters is an adapter type (e.g. DocumentClient in shared/adapters/dynamo/client.ts).',
      from: { path: '^(shared|functions|workflows)/', pathNot: '^shared/adapters/' },
      to: { path: '(^|/)node_modules/@aws-sdk/|^@aws-sdk/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // node_modules stays in the graph (not followed), so that rules on packages (the AWS SDK) see their imports
    exclude: { path: '^(cdk\\.out|\\.local|web/dist|dist)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    skipAnalysisNotInRules: false,
  },
};
