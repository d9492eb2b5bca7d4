import type { LambdaDefinition } from '../lambda-definition';

/** Lambda functions of this concern; merged into LAMBDAS by functions/registry.ts. */
export const DOCUMENT_LAMBDAS = {
  documentsObjectCreated: {
    entry: 'functions/documents/object-created.ts',
    kind: 's3',
    description:
      'S3 ObjectCreated under uploads/: verifies each uploaded file (size, type by content, SHA-256, text PDF, pre-fill) and records or refuses it',
    access: { table: 'readWrite', bucket: 'readWriteDelete' },
    // A 10 MB PDF is read whole and parsed by pdfjs: more memory gives more CPU
    timeoutSeconds: 60,
    memoryMb: 1024,
  },
} as const satisfies Record<string, LambdaDefinition>;
