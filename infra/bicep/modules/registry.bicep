// The environment's own container registry and the pull-only identity Neo4j's container group
// uses. ACI pulls from here, never from Docker Hub (anonymous pulls there are rate limited): the
// deploy workflow deploys this file on its own first, then `az acr import`s the pinned Neo4j
// image (with Docker Hub credentials when configured) before main.bicep creates the container
// group. main.bicep deploys it again as a module (idempotent) to get its outputs.
//
// The AcrPull assignment lives here, not in roles.bicep, so it exists (and has propagated during
// the import) before the container group first pulls with it.

@description('Environment name (dev, int or prod); part of the names.')
@allowed([
  'dev'
  'int'
  'prod'
])
param environmentName string

@description('Short lower-case name that starts every resource name (as main.bicep\'s baseName).')
@minLength(2)
@maxLength(6)
param baseName string = 'atg'

@description('Region.')
param location string = resourceGroup().location

@description('Tags.')
param tags object = {}

// The same suffix as main.bicep's names (infra/infratest checks the two formulas agree).
var suffix = take(uniqueString(subscription().id, resourceGroup().id, baseName, environmentName), 6)
var registryName = toLower('cr${baseName}${environmentName}${suffix}')
var pullIdentityName = 'id-${baseName}-${environmentName}-neo4j-pull'
var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: registryName
  location: location
  tags: tags
  sku: {
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false // pulls use the identity below; imports use the deployer's Entra token
    publicNetworkAccess: 'Enabled'
    anonymousPullEnabled: false
  }
}

resource pullIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: pullIdentityName
  location: location
  tags: tags
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, pullIdentity.id, acrPullRoleId)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)
    principalId: pullIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Registry name (az acr import --name).')
output name string = registry.name

@description('Registry login server (the Neo4j image is <loginServer>/neo4j:<version>).')
output loginServer string = registry.properties.loginServer

@description('Resource id of the pull-only identity (ACI imageRegistryCredentials.identity).')
output pullIdentityId string = pullIdentity.id
