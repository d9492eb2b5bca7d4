/**
 * Resolves the CloudFormation intrinsics CDK leaves in resolved construct properties (`Fn::Join`, `Fn::GetAtt`,
 * `Ref`, `Fn::Sub`, `Fn::Select`, `Fn::Split`) to plain values, with local names and ARNs for the stack's
 * resources. A Lambda function's local name is its logical ID, so its ARN leads back to the construct.
 */
export interface LocalResource {
  readonly type: string;
  readonly name: string;
  readonly arn: string;
}

export interface IntrinsicContext {
  readonly region: string;
  readonly account: string;
  readonly resources: ReadonlyMap<string, LocalResource>;
}

export function localArn(type: string, name: string, region: string, account: string): string {
  switch (type) {
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${region}:${account}:function:${name}`;
    case 'AWS::StepFunctions::StateMachine':
      return `arn:aws:states:${region}:${account}:stateMachine:${name}`;
    case 'AWS::DynamoDB::Table':
      return `arn:aws:dynamodb:${region}:${account}:table/${name}`;
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${name}`;
    default:
      return `arn:aws:local:${region}:${account}:${type.replace(/::/g, '-').toLowerCase()}/${name}`;
  }
}

/** Logical ID (= local function name) of a Lambda ARN or name, without qualifier. */
export function functionNameOf(arnOrName: string): string {
  const m = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(arnOrName);
  return m ? (m[1] as string) : (arnOrName.split(':')[0] as string);
}

function pseudo(name: string, ctx: IntrinsicContext): string | undefined {
  switch (name) {
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::Region':
      return ctx.region;
    case 'AWS::AccountId':
      return ctx.account;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return 'FacturesTravaux';
    case 'AWS::NoValue':
      return undefined;
    default:
      throw new Error(`pseudo-paramètre non pris en charge localement : ${name}`);
  }
}

function resource(logicalId: string, ctx: IntrinsicContext): LocalResource {
  const r = ctx.resources.get(logicalId);
  if (!r) throw new Error(`ressource inconnue dans le modèle local : ${logicalId}`);
  return r;
}

function ref(logicalId: string, ctx: IntrinsicContext): string | undefined {
  if (logicalId.startsWith('AWS::')) return pseudo(logicalId, ctx);
  const r = resource(logicalId, ctx);
  // Ref of a state machine is its ARN; of a function, table or bucket its name.
  return r.type === 'AWS::StepFunctions::StateMachine' ? r.arn : r.name;
}

function getAtt(logicalId: string, attribute: string, ctx: IntrinsicContext): string {
  const r = resource(logicalId, ctx);
  if (attribute === 'Arn') return r.arn;
  if (attribute === 'Name' || attribute === 'StateMachineName') return r.name;
  throw new Error(`Fn::GetAtt ${logicalId}.${attribute} non pris en charge localement`);
}

export function resolveIntrinsics(value: unknown, ctx: IntrinsicContext): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, ctx));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [fn] = keys as [string];
    const arg = obj[fn];
    switch (fn) {
      case 'Ref':
        return ref(arg as string, ctx);
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
        return getAtt(id as string, attr as string, ctx);
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown[]];
        return (resolveIntrinsics(parts, ctx) as unknown[]).join(sep);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        return (resolveIntrinsics(list, ctx) as unknown[])[Number(resolveIntrinsics(index, ctx))];
      }
      case 'Fn::Split': {
        const [sep, source] = arg as [string, unknown];
        return String(resolveIntrinsics(source, ctx)).split(sep);
      }
      case 'Fn::Sub': {
        const [template, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [arg as string, {}];
        const resolvedVars = resolveIntrinsics(vars, ctx) as Record<string, unknown>;
        return template.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
          if (name in resolvedVars) return String(resolvedVars[name]);
          const [id, attr] = name.split('.');
          return attr ? getAtt(id as string, attr, ctx) : String(ref(id as string, ctx));
        });
      }
      default:
        if (fn.startsWith('Fn::')) throw new Error(`${fn} non pris en charge localement`);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, resolveIntrinsics(obj[k], ctx)]));
}
