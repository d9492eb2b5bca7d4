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
  documentsBalayage: {
    entry: 'functions/documents/sweep-uploads.ts',
    kind: 'schedule',
    description:
      "Balayage des dépôts : vérifie les fichiers déposés dont l'événement S3 n'est jamais arrivé, libère les formulaires expirés sans fichier",
    // Forms live 5 minutes and are released 15 minutes after their expiry: a lost event waits 35 minutes at most
    schedule: { expression: 'rate(15 minutes)' },
    access: { table: 'readWrite', bucket: 'readWriteDelete' },
    // Up to 50 files a run, each possibly a 10 MB PDF read whole (as documentsObjectCreated)
    timeoutSeconds: 300,
    memoryMb: 1024,
  },
} as const satisfies Record<string, LambdaDefinition>;
