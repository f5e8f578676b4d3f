// The service: a Flex Consumption Function App (Linux) whose runtime is a custom handler — the
// `atg` binary started by host.json as `atg handler`. User-assigned identity for storage, Key Vault
// references and Azure SDK calls; VNet integration to reach Neo4j privately; HTTPS only, TLS 1.2;
// basic-auth publishing off (deployments use Entra ID through az / the workflow).
//
// Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION,
// WEBSITE_RUN_FROM_PACKAGE and friends as app settings: the runtime is functionAppConfig.runtime.
// infra/infratest checks that every setting the service reads (config.Settings with Service: true)
// is set in appSettings below or has a documented default.

@description('Function App name (globally unique host name).')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Region.')
param location string

@description('Tags.')
param tags object = {}

@description('ATG_ENVIRONMENT: dev, int or prod.')
param environmentName string

@description('ATG_LOG_LEVEL.')
param logLevel string

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('Client id of ATG\'s multi-tenant app registration that trusts the identity through a federated credential (ATG_AZURE_CLIENT_ID). Empty: the service scans as the identity itself, i.e. only its own tenant.')
param scanAppClientId string = ''

@description('Subnet for VNet integration (delegated to Microsoft.App/environments).')
param subnetId string

@description('Service storage account (AzureWebJobsStorage, identity-based).')
param storageAccountName string

@description('Blob container holding the deployment package.')
param deploymentContainerName string

@description('Application Insights connection string.')
param appInsightsConnectionString string

@description('Key Vault with the secrets referenced below.')
param keyVaultName string

@description('Secret with the Neo4j password.')
param neo4jPasswordSecretName string

@description('Secret with the API key entries.')
param apiKeysSecretName string

@description('Bolt URI of Neo4j (ATG_GRAPH).')
param graphUri string

@description('Prefix of the service queues, tables and containers (ATG_STORAGE_PREFIX).')
param storagePrefix string

@description('API requests per second per key (ATG_API_RATE_LIMIT).')
param apiRateLimit int

@description('Burst of the per-key rate limit (ATG_API_RATE_BURST).')
param apiRateBurst int

@description('Days graph backups are kept by the service (ATG_BACKUP_RETENTION_DAYS); the storage lifecycle rule expires them after the same time.')
param backupRetentionDays int

@description('Memory per instance in MB.')
param instanceMemoryMB int

@description('Maximum instance count.')
param maximumInstanceCount int

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true // Linux
  }
}

var appSettings = {
  // Functions host storage, identity-based (no connection string, no keys).
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // azidentity in `atg handler` picks the user-assigned identity with this.
  AZURE_CLIENT_ID: identityClientId
  // Scans of another tenant: `atg handler` authenticates there as this app registration, with the
  // identity's token (audience api://AzureADTokenExchange) as client assertion. Empty: scans use
  // the identity itself (DefaultAzureCredential), which only works in its own tenant.
  ATG_AZURE_CLIENT_ID: scanAppClientId
  ATG_AZURE_MI_CLIENT_ID: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  ATG_ENVIRONMENT: environmentName
  ATG_LOG_LEVEL: logLevel
  ATG_GRAPH: graphUri
  NEO4J_USER: 'neo4j'
  NEO4J_PASSWORD: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${neo4jPasswordSecretName})'
  ATG_API_KEYS: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${apiKeysSecretName})'
  // The service re-reads the entries from the secret itself (managed identity, AZURE_CLIENT_ID)
  // every ATG_API_KEYS_TTL seconds, so adding or revoking a key needs no restart; the reference
  // above is only the value it starts with (still the literal reference while the secret is missing).
  ATG_API_KEYS_SOURCE: 'https://${keyVaultName}${environment().suffixes.keyvaultDns}/secrets/${apiKeysSecretName}'
  ATG_API_KEYS_TTL: '60'
  ATG_API_RATE_LIMIT: string(apiRateLimit)
  ATG_API_RATE_BURST: string(apiRateBurst)
  ATG_STORAGE_PREFIX: storagePrefix
  ATG_BACKUP_RETENTION_DAYS: string(backupRetentionDays)
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    publicNetworkAccess: 'Enabled'
    virtualNetworkSubnetId: subnetId
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [
        for setting in items(appSettings): {
          name: setting.key
          value: setting.value
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'custom'
        version: '1.0'
      }
    }
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

@description('Function App name.')
output name string = site.name

@description('Default host name.')
output defaultHostName string = site.properties.defaultHostName

@description('Function App resource id.')
output id string = site.id

@description('Names of the app settings set here (for reviews; the values hold Key Vault references, not secrets).')
output appSettingNames array = [for setting in items(appSettings): setting.key]
