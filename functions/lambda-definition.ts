/** How a Lambda function of the product is declared (functions/registry.ts and each concern's lambdas.ts). */
export type LambdaKind = 'http' | 'task' | 's3' | 'schedule' | 'queue' | 'token';

export interface HttpRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway v2 route path, e.g. `/v1/dossiers/{dossierId}`. */
  readonly path: string;
  readonly public?: boolean;
}

export interface LambdaDefinition {
  readonly entry: string;
  readonly exportName?: string;
  readonly kind: LambdaKind;
  readonly description: string;
  readonly routes?: readonly HttpRoute[];
  /** What the function touches, for least-privilege grants. */
  readonly access?: {
    readonly table?: 'read' | 'readWrite';
    readonly bucket?: 'read' | 'readWrite' | 'readWriteDelete';
    /** `resume`: start, and describe and stop the executions (the scheduled resume, shared/services/resume.ts). */
    readonly stateMachines?: 'start' | 'callback' | 'startAndCallback' | 'resume';
    /** Creates the technical accounts' app clients of the user pool and renews their secrets (Api construct). */
    readonly machineClients?: boolean;
  };
  /** `schedule` functions: when EventBridge Scheduler runs them (a Scheduler `cron(…)`/`rate(…)` expression). */
  readonly schedule?: { readonly expression: string; readonly timeZone?: string };
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
}
