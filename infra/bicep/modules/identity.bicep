// The service's user-assigned managed identity: storage (host + jobs), Key Vault references,
// the Flex deployment container, and Azure SDK calls from `atg handler` (AZURE_CLIENT_ID).

@description('Identity name.')
param name string

@description('Region.')
param location string

@description('Tags.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id (for identity blocks and keyVaultReferenceIdentity).')
output id string = identity.id

@description('Object (principal) id, for role assignments.')
output principalId string = identity.properties.principalId

@description('Client id, for AzureWebJobsStorage__clientId and AZURE_CLIENT_ID.')
output clientId string = identity.properties.clientId

@description('Identity name.')
output name string = identity.name
