// How the portal names a backup's database: "RDS database orders-db", shared by the list, the detail
// view and the decision dialog.

const TARGET_KINDS = { rds: "RDS database", aurora: "Aurora cluster", dynamodb: "DynamoDB table" };

export function backupTarget(backup) {
  return `${TARGET_KINDS[backup.targetKind] ?? backup.targetKind} ${backup.targetName}`;
}
