/** Amazon DynamoDB Local for the embedded platform: the JVM process (on loopback only) and the table. */
export { dynamoDbLocalJar, findJava, type Java } from './java';
export {
  DYNAMODB_LOCAL_HOST,
  type DynamoDbLocal,
  type DynamoDbLocalOptions,
  reapStaleJvm,
  startDynamoDbLocal,
} from './process';
export { ensureTable } from './table';
