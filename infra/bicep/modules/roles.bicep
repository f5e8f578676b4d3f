// Role assignments for the service identity — only what it needs, scoped to the resource it uses:
//   storage account: Storage Blob Data Owner (the Functions host's AzureWebJobsStorage identity
//     needs it for its blob leases and the Flex deployment container; artifacts, backups and user
//     delegation SAS need a subset), Storage Queue Data Contributor (triggers, job and shard
//     messages, poison queues), Storage Table Data Contributor (job status table);
//   Key Vault: Key Vault Secrets User (Key Vault references: neo4j-password, atg-api-keys).
// Reader on the scanned tenant's subscriptions is not here: see ../target-reader.bicep.
// Optionally the deploying principal gets Key Vault Secrets Officer on the vault so the workflow
// can read neo4j-password and create an empty atg-api-keys.
// Operators (operatorPrincipalIds: people or, better, one Entra group) get the data-plane roles
// the runbooks need: Key Vault Secrets Officer (API key entries, the Neo4j password), Storage
// Queue Data Contributor (peek, requeue, clear) and Storage Blob Data Contributor (backups).

@description('Object id of the service identity.')
param principalId string

@description('Service storage account name.')
param storageAccountName string

@description('Key Vault name.')
param keyVaultName string

@description('Object id of the deploying principal (empty: none).')
param deployerPrincipalId string = ''

@description('Object ids of the operators (users or groups) that get the runbooks\' data-plane roles.')
param operatorPrincipalIds array = []

var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
}

var operatorStorageRoles = [
  roleIds.storageQueueDataContributor
  roleIds.storageBlobDataContributor
]

// Every (operator, storage role) pair.
var operatorStorageAssignments = flatten(map(operatorPrincipalIds, p => map(operatorStorageRoles, r => {
  principalId: p
  roleId: r
})))

var storageRoles = [
  roleIds.storageBlobDataOwner
  roleIds.storageQueueDataContributor
  roleIds.storageTableDataContributor
]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource storageAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoles: {
    name: guid(storage.id, principalId, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, roleIds.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource deployerSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(vault.id, deployerPrincipalId, roleIds.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsOfficer)
    principalId: deployerPrincipalId // a pipeline service principal or a person: type left to ARM
  }
}

resource operatorSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for p in operatorPrincipalIds: {
    name: guid(vault.id, p, roleIds.keyVaultSecretsOfficer)
    scope: vault
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsOfficer)
      principalId: p // a user or a group: type left to ARM (they exist long before)
    }
  }
]

resource operatorStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for a in operatorStorageAssignments: {
    name: guid(storage.id, a.principalId, a.roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.roleId)
      principalId: a.principalId
    }
  }
]

@description('Role definition ids assigned on the storage account.')
output storageRoleIds array = storageRoles
