export { verifyMigrations, type VerifyOptions, type VerifyProgress, type VerifyResult, type VerifyFailure, type VerifyLocation } from './verify';
export { diffSnapshots, type SchemaDifference } from './diff';
export { takeSnapshot, Snapshotter, snapshotFromRow, emptySnapshot, OBJECT_KINDS, type Snapshot, type SchemaObject, type ObjectKind } from './snapshot';
export { dropsAtEnd, openScratchDatabase, openThrowawayPglite, type VerifyDatabase } from './scratch';
export { verifyFailureText, verifyDifferencesText } from './text';
