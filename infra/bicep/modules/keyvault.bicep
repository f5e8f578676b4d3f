// Key Vault in RBAC mode (no access policies). Holds the Neo4j password (written here from the
// deployment's secure parameter) and the API key entries (atg-api-keys, written by operators with
// `atg keys new`; see docs/operations.md). The Function App reads both through Key Vault
// references with its user-assigned identity.

@description('Key Vault name (3-24 characters, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Region.')
param location string

@description('Tags.')
param tags object = {}

@description('Purge protection (prod). Once on, it cannot be turned off.')
param enablePurgeProtection bool

@description('Neo4j password to store as the neo4j-password secret.')
@secure()
param neo4jPassword string

var neo4jPasswordSecretName = 'neo4j-password'
var apiKeysSecretName = 'atg-api-keys'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: union(tags, {
    'atg-component': 'keyvault'
  })
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // ARM rejects false once purge protection was on; null leaves it off.
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource neo4jPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: neo4jPasswordSecretName
  properties: {
    value: neo4jPassword
    contentType: 'text/plain'
  }
}

@description('Key Vault name.')
output name string = vault.name

@description('Key Vault resource id.')
output id string = vault.id

@description('Vault URI.')
output uri string = vault.properties.vaultUri

@description('Secret holding the Neo4j password.')
output neo4jPasswordSecretName string = neo4jPasswordSecret.name

@description('Secret holding the API key entries (ATG_API_KEYS); created by operators, not by this template.')
output apiKeysSecretName string = apiKeysSecretName
