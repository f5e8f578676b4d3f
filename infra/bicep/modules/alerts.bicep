// Alerts for one environment, all sent to one action group (e-mail):
//   failed jobs        — log query: the handler logs "job failed" (handler/worker.go; the host puts
//                        the handler's stdout and invocation logs in AppTraces) when a job ends failed
//   5xx rate           — log query over AppRequests of the `api` function only (queue and timer
//                        invocations are requests too): share of 5xx answers of the HTTP API
//   poison queue       — log query over StorageQueueLogs: messages written to any *-poison queue
//   queue backlog      — metric: QueueMessageCount (account-wide; storage has no per-queue metric)
//   Neo4j unavailable  — log query over ACI's ContainerEvent_CL: the Neo4j container was killed,
//                        backed off or failed a probe (a restart may have emptied its local disk)
//   backup missing     — log query over StorageBlobLogs: no blob written to the backups container
//                        in 3 hours (the hourly graph export did not run: Neo4j's recovery point)
// docs/operations.md ("Reading alerts") says what each one means and what to do.
//
// Every log alert reads unsampled data: resource logs (StorageQueueLogs, StorageBlobLogs) and ACI's
// container events are never sampled, and host.json excludes Request, Exception and Trace from
// Application Insights sampling, so AppRequests and AppTraces hold every record (infra/infratest
// checks both). The queries are validated when the rules are created (no skipQueryValidation):
// the Storage and Application Insights tables are built into every workspace, and ACI's custom
// table ContainerEvent_CL, which exists only after the first event, is read through
// `union isfuzzy=true` with an empty datatable of the same columns, so the query is valid on a
// fresh workspace too.

@description('Action group name.')
param actionGroupName string

@description('Region of the log alert rules (the workspace region).')
param location string

@description('Tags.')
param tags object = {}

@description('Environment (severity is higher in prod).')
param environmentName string

@description('E-mail receivers.')
param alertEmails array

@description('Log Analytics workspace resource id.')
param workspaceId string

@description('Service storage account.')
param storageAccountName string

@description('Neo4j container group name.')
param neo4jContainerGroupName string

@description('Function App name (used in descriptions).')
param functionAppName string

@description('Blob container the daily graph backups are written to.')
param backupsContainerName string

@description('Alert when no backup was written for a day.')
param backupAlertEnabled bool = true

@description('5xx share in percent above which the API alert fires.')
param http5xxPercentThreshold int = 5

@description('Queued messages (all queues) above which the backlog alert fires.')
param queueBacklogThreshold int = 1000

var severity = environmentName == 'prod' ? 1 : 3

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take('atg${environmentName}', 12)
    enabled: true
    emailReceivers: [
      for (email, i) in alertEmails: {
        name: 'email-${i}'
        emailAddress: email
        useCommonAlertSchema: true
      }
    ]
  }
}

var logAlerts = [
  {
    name: 'atg-${environmentName}-failed-jobs'
    displayName: 'ATG ${environmentName}: jobs failed'
    description: 'A job of ${functionAppName} ended failed (worker error or poison). See docs/operations.md#failed-jobs.'
    query: 'AppTraces | where Message contains "job failed"'
    window: 'PT15M'
    frequency: 'PT5M'
    aggregation: 'Count'
    measure: ''
    operator: 'GreaterThan'
    threshold: 0
    enabled: true
  }
  {
    name: 'atg-${environmentName}-http-5xx'
    displayName: 'ATG ${environmentName}: API 5xx rate'
    description: 'More than ${http5xxPercentThreshold}% of API requests answered 5xx (at least 20 requests). See docs/operations.md#5xx-rate.'
    query: 'AppRequests | where Name == "api" | summarize Total = count(), Failed = countif(toint(ResultCode) >= 500) | where Total >= 20 | extend FailedPercent = 100.0 * Failed / Total'
    window: 'PT15M'
    frequency: 'PT5M'
    aggregation: 'Maximum'
    measure: 'FailedPercent'
    operator: 'GreaterThan'
    threshold: http5xxPercentThreshold
    enabled: true
  }
  {
    name: 'atg-${environmentName}-poison-queue'
    displayName: 'ATG ${environmentName}: messages in poison queues'
    description: 'The Functions host moved messages to a -poison queue after 5 failed attempts. See docs/operations.md#poison-queue.'
    query: 'StorageQueueLogs | where OperationName == "PutMessage" and Uri has "-poison"'
    window: 'PT15M'
    frequency: 'PT5M'
    aggregation: 'Count'
    measure: ''
    operator: 'GreaterThan'
    threshold: 0
    enabled: true
  }
  {
    name: 'atg-${environmentName}-neo4j-unavailable'
    displayName: 'ATG ${environmentName}: Neo4j container restarted or failing'
    description: 'The Neo4j container was killed, backed off or failed a probe; its local disk may be empty afterwards. See docs/operations.md#neo4j-unavailable.'
    query: 'union isfuzzy=true (datatable(TimeGenerated: datetime, ContainerGroup_s: string, Reason_s: string)[]), ContainerEvent_CL | where ContainerGroup_s == "${neo4jContainerGroupName}" | where Reason_s in ("Killing", "BackOff", "Unhealthy", "Failed")'
    window: 'PT15M'
    frequency: 'PT5M'
    aggregation: 'Count'
    measure: ''
    operator: 'GreaterThan'
    threshold: 0
    enabled: true
  }
  {
    name: 'atg-${environmentName}-backup-missing'
    displayName: 'ATG ${environmentName}: no graph backup for 3 hours'
    description: 'Nothing was written to ${backupsContainerName} in 3 hours: the hourly graph export did not run, so the recovery point of Neo4j is slipping. See docs/operations.md#backup-missing.'
    query: 'StorageBlobLogs | where OperationName in ("PutBlob", "PutBlockList") and Uri has "/${backupsContainerName}/"'
    window: 'PT3H'
    frequency: 'PT1H'
    aggregation: 'Count'
    measure: ''
    operator: 'LessThan'
    threshold: 1
    enabled: backupAlertEnabled
  }
]

resource logAlertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for a in logAlerts: {
    name: a.name
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: a.displayName
      description: a.description
      severity: severity
      enabled: a.enabled
      scopes: [
        workspaceId
      ]
      evaluationFrequency: a.frequency
      windowSize: a.window
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: a.query
            timeAggregation: a.aggregation
            metricMeasureColumn: empty(a.measure) ? null : a.measure
            operator: a.operator
            threshold: a.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

resource queueBacklog 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'atg-${environmentName}-queue-backlog'
  location: 'global'
  tags: tags
  properties: {
    description: 'More than ${queueBacklogThreshold} messages wait in the queues. See docs/operations.md#queue-backlog.'
    severity: severity
    enabled: true
    scopes: [
      '${storage.id}/queueServices/default'
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT6H'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'backlog'
          metricNamespace: 'Microsoft.Storage/storageAccounts/queueServices'
          metricName: 'QueueMessageCount'
          operator: 'GreaterThan'
          threshold: queueBacklogThreshold
          timeAggregation: 'Average'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

@description('Action group id.')
output actionGroupId string = actionGroup.id

@description('Names of every alert rule.')
output alertNames array = concat(map(logAlerts, a => a.name), [queueBacklog.name])
