// ATG service infrastructure for one environment (dev, int or prod), deployed into one resource group:
//   user-assigned identity, VNet (+ private DNS), Storage (queues, tables, blobs, Flex deployment
//   container), Key Vault, Log Analytics + Application Insights, a container registry holding
//   the Neo4j image, Neo4j on ACI (private only, local disk), the Flex Consumption Function App
//   running `atg handler`, role assignments and alerts.
//
// The deploy workflow (.github/workflows/deploy.yml) runs it; by hand, first deploy
// modules/registry.bicep and import the image (docs/deploy.md, "First deployment"), then:
//   az deployment group create -g rg-atg-dev -f infra/bicep/main.bicep -p infra/bicep/env/dev.bicepparam
// Reader in the scanned tenant's subscriptions is granted separately: see target-reader.bicep.
targetScope = 'resourceGroup'

// ---------------------------------------------------------------------------------------------
// Parameters (per-environment values live in env/<env>.bicepparam and are listed in docs/deploy.md)
// ---------------------------------------------------------------------------------------------

@description('Environment name: selects names and is the API key prefix the service accepts (atg_<env>_...).')
@allowed([
  'dev'
  'int'
  'prod'
])
param environmentName string

@description('Azure region for every resource (must offer Flex Consumption and ACI in VNets).')
param location string = resourceGroup().location

@description('Short lower-case name that starts every resource name.')
@minLength(2)
@maxLength(6)
param baseName string = 'atg'

@description('Tags applied to every resource.')
param tags object = {}

@description('Memory per Function App instance in MB (Flex Consumption sizes).')
@allowed([
  512
  2048
  4096
])
param functionInstanceMemoryMB int

@description('Upper bound of Function App instances (Flex Consumption allows 40 to 1000).')
@minValue(40)
@maxValue(1000)
param functionMaximumInstanceCount int

@description('Log level of the service (ATG_LOG_LEVEL).')
@allowed([
  'debug'
  'info'
  'warn'
  'error'
])
param logLevel string = 'info'

@description('API requests per second per key (ATG_API_RATE_LIMIT; 0 = unlimited).')
@minValue(0)
param apiRateLimit int = 10

@description('Burst of the per-key API rate limit (ATG_API_RATE_BURST).')
@minValue(1)
param apiRateBurst int = 40

@description('Redundancy of the service storage account (queues, tables, artifacts, backups).')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSkuName string

@description('Days after which job artifacts (container atg-artifacts) are deleted.')
@minValue(1)
param artifactRetentionDays int

@description('Days after which graph backups (container atg-backups) are deleted.')
@minValue(1)
param backupRetentionDays int

@description('Log Analytics retention in days.')
@minValue(30)
@maxValue(730)
param logRetentionDays int

@description('Address space of the environment VNet (a /16; the subnets are /24s carved from it).')
param vnetAddressPrefix string

@description('Neo4j container image, pinned to an exact 5.26 LTS community release (same as tools/neo4j/pom.xml). The deploy workflow imports docker.io/library/<this> into the environment registry; ACI pulls it from there.')
param neo4jImage string = 'neo4j:5.26.30-community'

@description('vCPUs for the Neo4j container. ACI allows at most 4 vCPU per Linux container group (VNet included); changing it needs infra/scripts/neo4j-resize.sh.')
@minValue(1)
@maxValue(4)
param neo4jCpu int

@description('Memory in GB for the Neo4j container (heap = 1/4, page cache = 1/2 of it). ACI allows at most 16 GB per Linux container group (VNet included; quota requests do not lift it); changing it needs infra/scripts/neo4j-resize.sh.')
@minValue(2)
@maxValue(16)
param neo4jMemoryGB int

@description('Write the Neo4j container group. The deploy workflow passes true (infra/scripts/prepare-deploy.sh) only when the group is missing: any update restarts the group, and a resize must delete it first (infra/scripts/neo4j-resize.sh).')
param neo4jDeploy bool = true

@description('Neo4j password. The deploy workflow reads it from Key Vault (secret neo4j-password) and passes it here; it is written back to the same secret and given to ACI as a secure value.')
@secure()
@minLength(12)
param neo4jPassword string

@description('Turn on Key Vault purge protection (cannot be turned off again once on).')
param keyVaultPurgeProtection bool

@description('E-mail addresses that receive alerts, comma-separated (empty: none).')
param alertEmails string = ''

@description('Client id of ATG\'s multi-tenant app registration for scanning other tenants (ATG_AZURE_CLIENT_ID); it trusts the service identity through a federated credential (docs/deploy.md, "Scanning another tenant"). Empty: the service scans only its own tenant, as its identity.')
param scanAppClientId string = ''

@description('Object id of the principal running the deployment; it gets Key Vault Secrets Officer on the vault to seed neo4j-password and atg-api-keys. Empty: no assignment.')
param deployerPrincipalId string = ''

@description('Object ids of the operators, comma-separated (an Entra group is best): Key Vault Secrets Officer on the vault, Storage Queue and Blob Data Contributor on the service storage account — what docs/operations.md needs. Empty: none.')
param operatorObjectIds string = ''

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

var suffix = take(uniqueString(subscription().id, resourceGroup().id, baseName, environmentName), 6)
var prefix = '${baseName}-${environmentName}'
var names = {
  identity: 'id-${prefix}'
  vnet: 'vnet-${prefix}'
  storage: toLower(take('st${baseName}${environmentName}${suffix}', 24))
  keyVault: take('kv-${prefix}-${suffix}', 24)
  logAnalytics: 'log-${prefix}'
  appInsights: 'appi-${prefix}'
  plan: 'asp-${prefix}'
  functionApp: 'func-${prefix}-${suffix}'
  neo4j: 'ci-${prefix}-neo4j'
  actionGroup: 'ag-${prefix}'
}
var privateDnsZoneName = '${environmentName}.${baseName}.internal'
var neo4jRecordName = 'neo4j'

// What the service uses in Storage: the names handler/jobs derives from its prefix
// (ATG_STORAGE_PREFIX = storagePrefix: Names.JobsQueue, ShardsQueue, JobsTable, ...) plus the
// backups and Flex deployment containers. infra/infratest checks these against handler/jobs and
// every queueName in functions/*/function.json (which assume the prefix atg).
var storagePrefix = 'atg'
var queueNames = [
  'atg-jobs'
  'atg-jobs-poison'
  'atg-shards'
  'atg-shards-poison'
]
var tableNames = [
  'atgjobs'
  'atgshards'
  'atgidempotency'
]
var artifactsContainer = 'atg-artifacts'
var backupsContainer = 'atg-backups'
var deploymentContainer = 'atg-deployment'
var containerNames = [
  'atg-artifacts'
  'atg-internal'
  'atg-backups'
  'atg-deployment'
]

var alertEmailList = empty(trim(alertEmails)) ? [] : map(split(alertEmails, ','), e => trim(e))
var operatorList = empty(trim(operatorObjectIds)) ? [] : map(split(operatorObjectIds, ','), o => trim(o))

var allTags = union(tags, {
  application: 'atg'
  environment: environmentName
})

// ---------------------------------------------------------------------------------------------
// Modules
// ---------------------------------------------------------------------------------------------

module identity 'modules/identity.bicep' = {
  name: 'atg-identity'
  params: {
    name: names.identity
    location: location
    tags: allTags
  }
}

// Also deployed on its own by the workflow before this template, to import the image first.
module registry 'modules/registry.bicep' = {
  name: 'atg-registry'
  params: {
    environmentName: environmentName
    baseName: baseName
    location: location
    tags: allTags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'atg-monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    appInsightsName: names.appInsights
    location: location
    tags: allTags
    retentionInDays: logRetentionDays
  }
}

module network 'modules/network.bicep' = {
  name: 'atg-network'
  params: {
    vnetName: names.vnet
    location: location
    tags: allTags
    addressPrefix: vnetAddressPrefix
    privateDnsZoneName: privateDnsZoneName
  }
}

module storage 'modules/storage.bicep' = {
  name: 'atg-storage'
  params: {
    name: names.storage
    location: location
    tags: allTags
    skuName: storageSkuName
    queueNames: queueNames
    tableNames: tableNames
    containerNames: containerNames
    artifactsContainerName: artifactsContainer
    backupsContainerName: backupsContainer
    artifactRetentionDays: artifactRetentionDays
    backupRetentionDays: backupRetentionDays
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'atg-keyvault'
  params: {
    name: names.keyVault
    location: location
    tags: allTags
    enablePurgeProtection: keyVaultPurgeProtection
    neo4jPassword: neo4jPassword
  }
}

module roles 'modules/roles.bicep' = {
  name: 'atg-roles'
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    deployerPrincipalId: deployerPrincipalId
    operatorPrincipalIds: operatorList
  }
}

module neo4j 'modules/neo4j-aci.bicep' = {
  name: 'atg-neo4j'
  params: {
    name: names.neo4j
    location: location
    tags: allTags
    image: '${registry.outputs.loginServer}/${neo4jImage}'
    registryServer: registry.outputs.loginServer
    pullIdentityId: registry.outputs.pullIdentityId
    cpu: neo4jCpu
    memoryGB: neo4jMemoryGB
    deployGroup: neo4jDeploy
    neo4jPassword: neo4jPassword
    subnetId: network.outputs.aciSubnetId
    privateDnsZoneName: network.outputs.privateDnsZoneName
    dnsRecordName: neo4jRecordName
    logAnalyticsWorkspaceName: monitoring.outputs.workspaceName
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'atg-functionapp'
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: allTags
    environmentName: environmentName
    logLevel: logLevel
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    scanAppClientId: scanAppClientId
    subnetId: network.outputs.functionSubnetId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainer
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    keyVaultName: keyVault.outputs.name
    neo4jPasswordSecretName: keyVault.outputs.neo4jPasswordSecretName
    apiKeysSecretName: keyVault.outputs.apiKeysSecretName
    graphUri: neo4j.outputs.boltUri
    storagePrefix: storagePrefix
    apiRateLimit: apiRateLimit
    apiRateBurst: apiRateBurst
    backupRetentionDays: backupRetentionDays
    instanceMemoryMB: functionInstanceMemoryMB
    maximumInstanceCount: functionMaximumInstanceCount
  }
  dependsOn: [
    roles // the host needs its storage and Key Vault roles before it starts
  ]
}

module alerts 'modules/alerts.bicep' = {
  name: 'atg-alerts'
  params: {
    actionGroupName: names.actionGroup
    location: location
    tags: allTags
    environmentName: environmentName
    alertEmails: alertEmailList
    workspaceId: monitoring.outputs.workspaceId
    storageAccountName: storage.outputs.name
    neo4jContainerGroupName: neo4j.outputs.containerGroupName
    functionAppName: functionApp.outputs.name
    backupsContainerName: backupsContainer
  }
}

// ---------------------------------------------------------------------------------------------
// Outputs (read by .github/workflows/deploy.yml)
// ---------------------------------------------------------------------------------------------

@description('Function App name: the zip deploy target.')
output functionAppName string = functionApp.outputs.name

@description('Function App host name.')
output functionAppHostName string = functionApp.outputs.defaultHostName

@description('Health endpoint polled by the smoke test.')
output healthUrl string = 'https://${functionApp.outputs.defaultHostName}/api/v1/health'

@description('Key Vault holding neo4j-password and atg-api-keys.')
output keyVaultName string = keyVault.outputs.name

@description('Service storage account (queues, tables, artifacts, backups).')
output storageAccountName string = storage.outputs.name

@description('Blob container for graph backups.')
output backupsContainerName string = backupsContainer

@description('Neo4j container group.')
output neo4jContainerGroupName string = neo4j.outputs.containerGroupName

@description('Spec of the Neo4j group (image|cpu|memory); the workflow compares it with the running group\'s atg-neo4j-spec tag.')
output neo4jSpec string = neo4j.outputs.spec

@description('Environment container registry (holds the Neo4j image).')
output registryName string = registry.outputs.name

@description('Subnet for the operators\' temporary shell (docs/operations.md, "A shell in the VNet").')
output opsSubnetName string = network.outputs.opsSubnetName

@description('Public IP all outbound traffic of the environment leaves from (NAT gateway).')
output outboundIp string = network.outputs.outboundIp

@description('Bolt URI the service uses (private DNS name).')
output neo4jBoltUri string = neo4j.outputs.boltUri

@description('Principal id of the service identity (grant Reader with target-reader.bicep when the scanned tenant is this one).')
output identityPrincipalId string = identity.outputs.principalId

@description('Client id of the service identity.')
output identityClientId string = identity.outputs.clientId

@description('Issuer of the federated credential on the scanning app registration (subject: identityPrincipalId, audience: api://AzureADTokenExchange).')
output federatedCredentialIssuer string = '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
