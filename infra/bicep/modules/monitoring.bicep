// Log Analytics workspace + workspace-based Application Insights. The Functions host sends the
// handler's invocations (AppRequests) and its logs (AppTraces) here; storage queue write logs
// (StorageQueueLogs) and the Neo4j container's events (ContainerEvent_CL) land in the same
// workspace, so every alert is a query over one place.

@description('Log Analytics workspace name.')
param logAnalyticsName string

@description('Application Insights name.')
param appInsightsName string

@description('Region.')
param location string

@description('Tags.')
param tags object = {}

@description('Retention in days.')
@minValue(30)
@maxValue(730)
param retentionInDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    RetentionInDays: retentionInDays
  }
}

@description('Workspace resource id.')
output workspaceId string = workspace.id

@description('Workspace name.')
output workspaceName string = workspace.name

@description('Application Insights resource id.')
output appInsightsId string = appInsights.id

@description('Application Insights connection string (not a secret: it only allows sending telemetry).')
output appInsightsConnectionString string = appInsights.properties.ConnectionString
